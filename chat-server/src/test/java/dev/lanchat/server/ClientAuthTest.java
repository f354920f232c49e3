package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientAuthentication;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.HandshakeResult;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.ServerMessage;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client authentication (protocol §2.5) on a real server: each refused first record gets its
 * ERROR, joins nothing, and leaves the server serving everyone else.
 */
@Timeout(60)
class ClientAuthTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Identity ALICE = Identity.generate(RANDOM);
  private static final Identity MALLORY = Identity.generate(RANDOM);

  private ChatServer server;
  private TestClient watcher;

  @BeforeEach
  void start() throws Exception {
    server = TestServers.start();
    watcher = TestClient.join(server.port(), "watcher");
  }

  @AfterEach
  void stop() throws IOException {
    watcher.close();
    server.close();
  }

  /**
   * Runs the handshake up to a trusted server, then sends {@code first(th)} as the first record
   * and JOIN "intruder" right behind it, as a real client pipelines them; returns everything the
   * server sent until it closed.
   */
  private List<ServerMessage> firstRecord(Function<ByteString, ClientMessage> first)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
          10_000);
      socket.setSoTimeout((int) TestClient.WAIT.toMillis());
      FrameReader reader = new FrameReader(new BufferedInputStream(socket.getInputStream()));
      FrameWriter writer = new FrameWriter(socket.getOutputStream());
      HandshakeResult result = ClientHandshake.verifyServer(reader, writer, RANDOM);
      MessageChannel channel = new MessageChannel(result.channel(reader, writer));
      channel.send(first.apply(result.th()));
      channel.send(new ClientMessage.Join("intruder"));
      List<ServerMessage> got = new ArrayList<>();
      while (got.size() < 10) { // bounded: a refusal is one ERROR, then the close
        try {
          got.add(channel.receiveFromServer());
        } catch (EOFException closed) {
          return got;
        }
      }
      return got;
    }
  }

  /** The refusal was exactly one ERROR with {@code code}, and nobody saw the intruder join. */
  private void assertRefused(List<ServerMessage> got, ErrorCode code, String text)
      throws IOException {
    assertEquals(1, got.size(), "one ERROR, then the close: " + got);
    ServerMessage.Error error = assertInstanceOf(ServerMessage.Error.class, got.get(0));
    assertEquals(code, error.errorCode().orElseThrow());
    assertTrue(error.text().contains(text), error.text());
    watcher.sync();
    assertTrue(watcher.log().stream().noneMatch(watcher::isOthersJoined),
        "the refused client joined nothing");
    try (TestClient later = TestClient.join(server.port(), "later")) {
      assertEquals(later.as("later"), watcher.await(ServerMessage.Joined.class).member(),
          "the server still serves everyone else");
      later.send(TestClient.say("still chatting"));
      assertEquals("still chatting", watcher.await(ServerMessage.Chat.class).text());
    }
  }

  @Test
  void joinBeforeTheProofIsAuthRequired() throws Exception {
    assertRefused(firstRecord(th -> new ClientMessage.Join("intruder")),
        ErrorCode.AUTH_REQUIRED, "CLIENT_AUTH");
  }

  @Test
  void noProofAtAllIsAuthRequired() throws Exception {
    assertRefused(firstRecord(th -> new ClientMessage.Ping(1)), ErrorCode.AUTH_REQUIRED,
        "CLIENT_AUTH");
  }

  @Test
  void proofOverAnotherSessionsTranscriptFails() throws Exception {
    byte[] otherTh = new byte[32];
    RANDOM.nextBytes(otherTh);
    assertRefused(firstRecord(th -> ClientAuthentication.prove(ALICE, ByteString.copyOf(otherTh))),
        ErrorCode.AUTH_FAILED, "client authentication failed");
  }

  @Test
  void proofForTheWrongKeyFails() throws Exception {
    assertRefused(firstRecord(th -> new ClientMessage.ClientAuth(
            ByteString.copyOf(ALICE.publicKey()), ClientAuthentication.prove(MALLORY, th).sig())),
        ErrorCode.AUTH_FAILED, "client authentication failed");
  }

  @Test
  void malformedKeyFails() throws Exception {
    byte[] neutral = new byte[32];
    neutral[0] = 1; // the neutral point: small order
    assertRefused(firstRecord(th -> new ClientMessage.ClientAuth(ByteString.copyOf(neutral),
            ClientAuthentication.prove(ALICE, th).sig())),
        ErrorCode.AUTH_FAILED, "malformed client key");
  }

  @Test
  void aSecondClientAuthIsAProtocolError() throws Exception {
    try (TestClient alice = TestClient.join(server.port(), "alice")) {
      byte[] sig = new byte[64];
      Arrays.fill(sig, (byte) 1);
      alice.send(new ClientMessage.ClientAuth(alice.key().toByteArray(), sig));
      ServerMessage.Bye bye = alice.await(ServerMessage.Bye.class);
      assertTrue(bye.reason().startsWith("protocol error: "), bye.reason());
      ServerMessage.Left left = watcher.awaitLeft("alice");
      assertEquals(Room.PROTOCOL_ERROR, left.reason());
    }
  }
}
