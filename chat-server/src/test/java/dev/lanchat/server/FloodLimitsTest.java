package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server-wide flood limits on a real server over loopback: handshakes in progress, connections
 * per source address, the outbound byte budget and the room budget.
 */
@Timeout(60)
class FloodLimitsTest {
  /** The first 4 bytes of a frame that claims a 100-byte ClientHello, then nothing more. */
  private static final byte[] STALLED_HELLO = {0, 0, 0, 100};

  /** Connects from {@code local} (any 127.x address works on loopback) and starts a hello. */
  private static Socket stall(InetAddress local, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(local, 0));
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
    socket.getOutputStream().write(STALLED_HELLO);
    return socket;
  }

  /** True when the server closed {@code socket}: its read ends (or resets) within the wait. */
  private static boolean closedByServer(Socket socket) throws IOException {
    socket.setSoTimeout((int) TestClient.WAIT.toMillis());
    InputStream in = socket.getInputStream();
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  private static void closeAll(List<Socket> sockets) throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  @Test
  void pastMaxHandshakesANewConnectionDisplacesTheOldestAndAGenuineClientStillJoins()
      throws Exception {
    ServerConfig config = TestServers.config().toBuilder().maxHandshakes(8).build();
    List<Socket> stalled = new ArrayList<>();
    try (ChatServer server = TestServers.start(config)) {
      for (int i = 0; i < 20; i++) {
        stalled.add(stall(InetAddress.getByName("127.0.0." + (10 + i)), server.port()));
      }
      assertTrue(closedByServer(stalled.get(0)), "the oldest stalled handshake was closed");
      assertTrue(closedByServer(stalled.get(11)), "so was every one that had to give way");
      try (TestClient alice = TestClient.join(server.port(), "alice")) {
        alice.sync();
        assertEquals(List.of("alice"), server.roster());
      }
    } finally {
      closeAll(stalled);
    }
  }

  @Test
  void oneAddressHoldsAtMostMaxPerAddressConnectionsAndOthersAreNotAffected() throws Exception {
    ServerConfig config = TestServers.config().toBuilder().maxPerAddress(3).build();
    InetAddress attacker = InetAddress.getByName("127.0.0.5");
    List<Socket> held = new ArrayList<>();
    try (ChatServer server = TestServers.start(config)) {
      for (int i = 0; i < 3; i++) {
        held.add(stall(attacker, server.port()));
      }
      Socket fourth = stall(attacker, server.port());
      held.add(fourth);
      assertTrue(closedByServer(fourth), "the fourth from one address is refused");
      try (TestClient alice = TestClient.join(server.port(), "alice")) { // from 127.0.0.1
        alice.sync();
      }
      // one ends: the server closes it for a bad hello, and the address may connect once more
      held.get(0).getOutputStream().write(new byte[100]);
      assertTrue(closedByServer(held.get(0)));
      Socket again = null;
      for (int attempt = 0; attempt < 100 && again == null; attempt++) {
        if (attempt > 0) {
          Thread.sleep(20); // the server releases the place just after closing: poll, bounded
        }
        Socket s = stall(attacker, server.port());
        held.add(s);
        s.setSoTimeout(100);
        try {
          if (s.getInputStream().read() >= 0) {
            again = s; // its ServerHello: admitted
          } // else closed: the server had not yet seen the first one end
        } catch (SocketTimeoutException e) {
          again = s; // still open: admitted
        } catch (SocketException e) {
          // reset: refused, try again
        }
      }
      assertTrue(again != null, "a place came free when a connection ended");
    } finally {
      closeAll(held);
    }
  }

  @Test
  void aClientThatNeverReadsButAsksWhoIsDroppedByTheServerWideBudgetNotTheServer()
      throws Exception {
    // its own backlog could hold 64 MiB: only the server-wide 256 KiB stops it
    ServerConfig config = TestServers.config().toBuilder().backlog(1_000_000, 64L << 20)
        .maxOutboundBytes(256 << 10).build();
    try (ChatServer server = TestServers.start(config);
        TestClient alice = TestClient.join(server.port(), "alice")) {
      List<TestClient> others = new ArrayList<>();
      for (int i = 0; i < 40; i++) { // long names make a large ROSTER
        others.add(TestClient.join(server.port(), "a-rather-long-name-" + i));
      }
      try (TestClient.Silent hog = TestClient.joinSilently(server.port(), "hog")) {
        alice.awaitMatching(
            m -> m instanceof ServerMessage.Joined j && j.member().name().equals("hog"),
            "hog joined");
        for (int i = 0; i < 20_000 && !alice.log().stream().anyMatch(
            m -> m instanceof ServerMessage.Left l && l.name().equals("hog")); i++) {
          try {
            hog.channel().send(TestClient.who());
          } catch (IOException e) {
            break; // the server closed it
          }
        }
        ServerMessage.Left left = alice.awaitLeft("hog");
        assertEquals(Room.TOO_SLOW, left.reason());
      }
      alice.sync();
      assertEquals(41, server.roster().size(), "everyone else stayed (40 and alice)");
      for (TestClient c : others) {
        c.close();
      }
    }
  }

  @Test
  void aSayOverTheRoomBudgetIsAnsweredRateLimitedAndNotDelivered() throws Exception {
    ServerConfig config = TestServers.config().toBuilder()
        .roomBudget(new ServerConfig.RoomBudget(0.001, 3, 0, 1)).build();
    try (ChatServer server = TestServers.start(config);
        TestClient alice = TestClient.join(server.port(), "alice");
        TestClient bob = TestClient.join(server.port(), "bob")) {
      alice.send(TestClient.say("one"));
      alice.sync(); // each SAY handled before the next is sent: the order is the test's
      bob.send(TestClient.say("two"));
      bob.sync();
      alice.send(TestClient.say("three"));
      alice.sync();
      bob.send(TestClient.say("four")); // the room's fourth: over its burst of 3
      ServerMessage.Error error = bob.awaitError(ErrorCode.RATE_LIMITED);
      assertTrue(error.text().contains("room is busy"), error.text());
      assertTrue(error.text().contains("not delivered"), error.text());
      alice.sync();
      bob.sync();
      assertEquals(Set.of("one", "two", "three"), alice.log().stream()
          .filter(m -> m instanceof ServerMessage.Chat).map(m -> ((ServerMessage.Chat) m).text())
          .collect(Collectors.toSet()), "the refused one reached nobody");
      assertEquals(3, alice.log().stream().filter(m -> m instanceof ServerMessage.Chat).count());
    }
  }
}
