package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.handshake.ServerHello;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Protocol §7: each limit, configured small so the tests are quick. */
@Timeout(90)
class LimitsTest {

  @Test
  void aFrameLongerThan65536IsAProtocolErrorAndClosesTheConnection() throws Exception {
    try (ChatServer server = TestServers.start();
        TestClient alice = TestClient.join(server.port(), "alice");
        TestClient mallory = TestClient.join(server.port(), "mallory")) {
      mallory.sendRaw(new byte[] {0, 1, 0, 1}); // 65,537
      assertEquals("protocol error", alice.awaitLeft("mallory").reason());
      mallory.awaitClosed();
    }
  }

  @Test
  void aFrameOfLengthZeroIsAProtocolErrorAndClosesTheConnection() throws Exception {
    try (ChatServer server = TestServers.start();
        TestClient alice = TestClient.join(server.port(), "alice");
        TestClient mallory = TestClient.join(server.port(), "mallory")) {
      mallory.sendRaw(new byte[] {0, 0, 0, 0});
      assertEquals("protocol error", alice.awaitLeft("mallory").reason());
      mallory.awaitClosed();
    }
  }

  @Test
  void aBadClientHelloClosesTheConnection() throws Exception {
    try (ChatServer server = TestServers.start(); Socket raw = rawConnect(server.port())) {
      readServerHello(raw);
      raw.getOutputStream().write(new byte[] {0, 0, 0, 3, 'L', 'A', 'N'});
      assertClosedByServer(raw);
    }
  }

  @Test
  void aClientThatDoesNotFinishTheHandshakeInTimeIsClosed() throws Exception {
    ServerConfig config = TestServers.config().toBuilder().handshakeTimeout(Duration.ofSeconds(1)).build();
    try (ChatServer server = TestServers.start(config); Socket raw = rawConnect(server.port())) {
      readServerHello(raw);
      assertClosedByServer(raw); // sent nothing at all
    }
  }

  @Test
  void aClientThatDoesNotJoinInTimeIsClosed() throws Exception {
    ServerConfig config = TestServers.config().toBuilder().handshakeTimeout(Duration.ofSeconds(1)).build();
    try (ChatServer server = TestServers.start(config);
        TestClient client = TestClient.connect(server.port())) {
      // a name error does not restart the clock
      client.send(new ClientMessage.Join("not valid"));
      client.awaitError(ErrorCode.NAME_INVALID);
      client.await(ServerMessage.Bye.class);
      client.awaitClosed();
      assertTrue(client.log().stream().noneMatch(m -> m instanceof ServerMessage.Welcome));
    }
  }

  @Test
  void aJoinedClientIsNotClosedByTheHandshakeDeadline() throws Exception {
    ServerConfig config = TestServers.config().toBuilder().handshakeTimeout(Duration.ofSeconds(1)).build();
    try (ChatServer server = TestServers.start(config);
        TestClient alice = TestClient.join(server.port(), "alice")) {
      // still connected well after the deadline: a PING at 2 s, 3 s... is answered
      for (int i = 0; i < 3; i++) {
        assertTrue(alice.poll(Duration.ofSeconds(1)) == null, "nothing is sent unasked");
        alice.sync();
      }
    }
  }

  @Test
  void aSilentJoinedClientGetsLeftTimedOut() throws Exception {
    ServerConfig config = TestServers.config().toBuilder().idleTimeout(Duration.ofSeconds(1)).build();
    try (ChatServer server = TestServers.start(config);
        TestClient quiet = TestClient.join(server.port(), "quiet");
        TestClient chatty = TestClient.join(server.port(), "chatty")) {
      ServerMessage.Left left = null;
      long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
      while (left == null && System.nanoTime() < deadline) {
        chatty.send(new ClientMessage.Ping(1)); // chatty keeps talking, quiet does not
        ServerMessage m = chatty.poll(Duration.ofMillis(200));
        if (m instanceof ServerMessage.Left l) {
          left = l;
        }
      }
      if (left == null) {
        fail("the silent client was not removed");
      }
      assertEquals("quiet", left.name());
      assertEquals("timed out", left.reason());
      quiet.awaitClosed();
      assertTrue(quiet.log().stream().anyMatch(m -> m instanceof ServerMessage.Bye));
      chatty.send(TestClient.who());
      assertEquals(List.of("chatty"), TestClient.names(chatty.await(ServerMessage.Roster.class).members()));
    }
  }

  @Test
  void messagesOverTheRateGetRateLimitedAndAreNotDelivered() throws Exception {
    // 0.001 a second: nothing refills during the test, so exactly the burst of 4 (JOIN, ENTER
    // and two SAYs) gets through
    ServerConfig config = TestServers.config().toBuilder().messageRate(0.001, 4).build();
    try (ChatServer server = TestServers.start(config)) {
      TestClient alice = TestClient.connect(server.port());
      alice.send(new ClientMessage.Join("alice")); // counts as one message
      alice.await(ServerMessage.Welcome.class);
      alice.enter(); // and one more
      for (int i = 0; i < 6; i++) {
        alice.send(TestClient.say("line " + i));
      }
      int delivered = 0;
      int limited = 0;
      while (delivered + limited < 6) {
        ServerMessage m = alice.awaitMatching(
            x -> x instanceof ServerMessage.Chat || x instanceof ServerMessage.Error, "answer");
        if (m instanceof ServerMessage.Error e) {
          assertEquals(ErrorCode.RATE_LIMITED.code(), e.code());
          assertTrue(e.text().contains("at most 0.001 a second (bursts of 4)"), e.text());
          limited++;
        } else {
          delivered++;
        }
      }
      assertEquals(2, delivered);
      assertEquals(4, limited);
      alice.close();
    }
  }

  @Test
  void rateZeroSwitchesTheMessageLimitOff() throws Exception {
    try (ChatServer server = TestServers.start(TestServers.config().toBuilder().messageRate(0, 1).build());
        TestClient alice = TestClient.join(server.port(), "alice")) {
      for (int i = 0; i < 100; i++) {
        alice.send(TestClient.say("line " + i));
      }
      for (int i = 0; i < 100; i++) {
        assertEquals("line " + i, alice.await(ServerMessage.Chat.class).text());
      }
      assertTrue(alice.log().stream().noneMatch(m -> m instanceof ServerMessage.Error));
    }
  }

  @Test
  void theClientAfterMaxClientsGetsServerFullAndIsClosed() throws Exception {
    try (ChatServer server = TestServers.start(TestServers.config().toBuilder().maxClients(2).build());
        TestClient alice = TestClient.join(server.port(), "alice")) {
      TestClient bob = TestClient.join(server.port(), "bob");
      try (TestClient carol = TestClient.connect(server.port())) {
        // the answer comes right after the handshake, without waiting for JOIN
        carol.awaitError(ErrorCode.SERVER_FULL);
        carol.awaitClosed();
        assertTrue(carol.log().stream().noneMatch(m -> m instanceof ServerMessage.Welcome));
      }
      bob.send(new ClientMessage.Bye());
      alice.awaitLeft("bob");
      // bob's slot is free once his connection is gone; retry until the server has noticed
      long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
      while (true) {
        TestClient dave = TestClient.connect(server.port());
        try {
          dave.send(new ClientMessage.Join("dave"));
        } catch (IOException e) {
          // still full: the server sent SERVER_FULL and hung up before the JOIN went out
        }
        ServerMessage m = dave.awaitMatching(
            x -> x instanceof ServerMessage.Welcome || x instanceof ServerMessage.Error, "answer");
        dave.close();
        if (m instanceof ServerMessage.Welcome) {
          break;
        }
        assertTrue(System.nanoTime() < deadline, "a slot never became free");
      }
    }
  }

  @Test
  void connectionsOverThePerAddressLimitAreClosedBeforeAnyKeyWork() throws Exception {
    ServerConfig config = TestServers.config().toBuilder().connectRate(0.001, 3).build();
    try (ChatServer server = TestServers.start(config)) {
      for (int i = 0; i < 3; i++) {
        try (Socket raw = rawConnect(server.port())) {
          readServerHello(raw);
        }
      }
      try (Socket raw = rawConnect(server.port())) {
        InputStream in = raw.getInputStream();
        int first;
        try {
          first = in.read();
        } catch (IOException e) {
          first = -1; // reset: closed just the same
        }
        assertEquals(-1, first, "no ServerHello: the connection was closed before key work");
      }
    }
  }

  private static Socket rawConnect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout((int) TestClient.WAIT.toMillis());
    return socket;
  }

  private static void readServerHello(Socket socket) throws IOException {
    ServerHello.parse(new FrameReader(socket.getInputStream()).readFrame());
  }

  /** The server closes: read ends (EOF or reset) before our generous timeout. */
  private static void assertClosedByServer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int i = 0; i < 1000; i++) {
        if (in.read(buffer) < 0) {
          return;
        }
      }
      fail("the server kept sending");
    } catch (SocketTimeoutException e) {
      fail("the server did not close the connection within " + TestClient.WAIT);
    } catch (IOException e) {
      // reset by the server: closed
    }
  }
}
