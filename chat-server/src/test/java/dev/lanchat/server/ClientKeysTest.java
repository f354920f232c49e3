package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Client keys on a running server: names bound to keys through the store (protocol §5.6), the
 * allowlist (§5.7) and admin commands applied while the server runs, and a version 1 peer
 * (§2.6). Each refusal leaves the server serving an honest client, who still chats.
 */
@Timeout(60)
class ClientKeysTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  Path dir;

  private Path store() {
    return dir.resolve("server.db");
  }

  private ChatServer start(ServerConfig.Access access) throws IOException {
    return TestServers.start(TestServers.config().toBuilder().dataFile(store()).access(access)
        .build());
  }

  /** Runs {@code chat-server ARGS --data STORE} in this process, as an admin would; its exit code. */
  private int admin(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = ServerCommand.commandLine(new ServerCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--data");
    all.add(store().toString());
    int code = cl.execute(all.toArray(String[]::new));
    assertEquals(0, code, "chat-server " + all + ": " + out + err);
    return code;
  }

  /** {@code honest} (joined) still chats: its SAY reaches {@code other}. */
  private static void stillChats(TestClient honest, TestClient other) throws IOException {
    String text = "still here " + RANDOM.nextInt(1_000_000);
    honest.send(TestClient.say(text));
    other.awaitMatching(m -> m instanceof ServerMessage.Chat c && c.text().equals(text),
        "MESSAGE " + text);
  }

  @Test
  void aNameBoundToAnotherKeyIsNameBoundWhetherItsOwnerIsHereOrNot() throws Exception {
    try (ChatServer server = start(ServerConfig.Access.OPEN);
        TestClient alice = TestClient.join(server.port(), "alice");
        TestClient bob = TestClient.join(server.port(), "bob")) {
      Identity aliceKey = alice.identity();
      try (TestClient mallory = TestClient.connect(server.port())) {
        mallory.send(new ClientMessage.Join("ALICE"));
        assertEquals("the name ALICE belongs to another key",
            mallory.awaitError(ErrorCode.NAME_BOUND).text());
        alice.send(new ClientMessage.Bye());
        bob.awaitLeft("alice");
        mallory.send(new ClientMessage.Join("alice"));
        mallory.awaitError(ErrorCode.NAME_BOUND);
        mallory.send(new ClientMessage.Join("mallory"));
        mallory.await(ServerMessage.Welcome.class);
        mallory.enter();
        stillChats(bob, mallory);
      }
      try (TestClient back = TestClient.join(server.port(), "Alice", aliceKey)) {
        assertEquals(back.as("Alice"), ((ServerMessage.Joined) bob.awaitMatching(
                m -> m instanceof ServerMessage.Joined j && j.member().name().equals("Alice"),
                "JOINED Alice")).member(),
            "the owner comes back under its name, in another spelling");
      }
    }
  }

  @Test
  void aKeyJoiningUnderAnotherFreeNameMovesItsBinding() throws Exception {
    try (ChatServer server = start(ServerConfig.Access.OPEN);
        TestClient watcher = TestClient.join(server.port(), "watcher")) {
      Identity key = Identity.generate(RANDOM);
      TestClient.join(server.port(), "carol", key).close();
      watcher.awaitLeft("carol");
      TestClient.join(server.port(), "caroline", key).close();
      watcher.awaitLeft("caroline");
      try (TestClient other = TestClient.join(server.port(), "carol")) {
        assertEquals(other.as("carol"), watcher.await(ServerMessage.Joined.class).member(),
            "the old name is free once the key moved");
      }
      try (TestClient other = TestClient.connect(server.port())) {
        other.send(new ClientMessage.Join("caroline"));
        other.awaitError(ErrorCode.NAME_BOUND);
      }
    }
  }

  @Test
  void aNameBoundInOneRunIsRefusedToAnotherKeyAfterARestartAndReleaseFreesIt()
      throws Exception {
    Identity owner = Identity.generate(RANDOM);
    try (ChatServer first = start(ServerConfig.Access.OPEN)) {
      TestClient.join(first.port(), "dave", owner).close();
    }
    try (ChatServer second = start(ServerConfig.Access.OPEN);
        TestClient watcher = TestClient.join(second.port(), "watcher");
        TestClient other = TestClient.connect(second.port())) {
      other.send(new ClientMessage.Join("dave"));
      other.awaitError(ErrorCode.NAME_BOUND);
      admin("release", "dave"); // while the server runs
      other.send(new ClientMessage.Join("dave"));
      assertEquals("dave", other.await(ServerMessage.Welcome.class).name());
      other.enter();
      stillChats(watcher, other);
      try (TestClient former = TestClient.connect(second.port(), owner)) {
        former.send(new ClientMessage.Join("dave"));
        former.awaitError(ErrorCode.NAME_BOUND); // released, the name went to the next key
      }
    }
  }

  @Test
  void allowlistRefusalShowsTheFingerprintAndAllowLetsTheKeyInWhileRunning() throws Exception {
    Identity watcherKey = Identity.generate(RANDOM);
    admin("allow", watcherKey.fingerprint());
    try (ChatServer server = start(ServerConfig.Access.ALLOWLIST);
        TestClient watcher = TestClient.join(server.port(), "watcher", watcherKey)) {
      Identity newcomer = Identity.generate(RANDOM);
      String fingerprint = Fingerprint.of(newcomer.publicKey());
      try (TestClient refused = TestClient.connect(server.port(), newcomer)) {
        refused.send(new ClientMessage.Join("newcomer"));
        ServerMessage.Error error = refused.awaitError(ErrorCode.NOT_ALLOWED);
        assertTrue(error.text().contains(fingerprint), error.text());
        refused.awaitClosed();
      }
      watcher.sync();
      assertTrue(watcher.log().stream().noneMatch(watcher::isOthersJoined),
          "the refused key joined nothing");
      admin("allow", fingerprint);
      try (TestClient allowed = TestClient.join(server.port(), "newcomer", newcomer)) {
        stillChats(watcher, allowed);
      }
    }
  }

  @Test
  void denyEndsTheSessionOfAConnectedKeyWhileRunning() throws Exception {
    Identity watcherKey = Identity.generate(RANDOM);
    Identity erinKey = Identity.generate(RANDOM);
    admin("allow", watcherKey.fingerprint());
    admin("allow", erinKey.fingerprint(), "--name", "erin");
    try (ChatServer server = start(ServerConfig.Access.ALLOWLIST);
        TestClient watcher = TestClient.join(server.port(), "watcher", watcherKey);
        TestClient erin = TestClient.join(server.port(), "erin", erinKey)) {
      admin("deny", erinKey.fingerprint());
      assertEquals(Connection.DENIED_REASON, erin.await(ServerMessage.Bye.class).reason());
      erin.awaitClosed();
      assertEquals("no longer allowed", watcher.awaitLeft("erin").reason(),
          "the others are told why erin went");
      try (TestClient again = TestClient.connect(server.port(), erinKey)) {
        again.send(new ClientMessage.Join("erin"));
        again.awaitError(ErrorCode.NOT_ALLOWED);
      }
      stillChats(watcher, watcher);
    }
  }

  @Test
  void aVersion1ClientHelloIsLoggedAndClosedAtOnce() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.lanchat");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    // no handshake deadline: the close can only come from the version check
    ServerConfig config = TestServers.config().toBuilder().dataFile(store())
        .handshakeTimeout(Duration.ZERO).build();
    try (ChatServer server = TestServers.start(config);
        TestClient watcher = TestClient.join(server.port(), "watcher");
        Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
          10_000);
      socket.setSoTimeout((int) TestClient.WAIT.toMillis());
      FrameReader reader = new FrameReader(new BufferedInputStream(socket.getInputStream()));
      assertEquals(104, reader.readFrame().length, "the version 2 ServerHello");
      byte[] hello = new byte[40];
      System.arraycopy("LANCHAT".getBytes(StandardCharsets.US_ASCII), 0, hello, 0, 7);
      hello[7] = 1;
      new FrameWriter(socket.getOutputStream()).writeFrame(hello);
      assertEquals(-1, socket.getInputStream().read(), "closed without a word");
      String expected = "client at 127.0.0.1";
      // the server logs the line before it closes the socket
      assertTrue(appender.list.stream().map(ILoggingEvent::getFormattedMessage).anyMatch(
              line -> line.startsWith(expected)
                  && line.endsWith("speaks LanChat protocol 1; this server speaks 2")),
          "the log says which version the client speaks");
      TestClient.join(server.port(), "later").close();
      stillChats(watcher, watcher);
    } finally {
      logger.detachAppender(appender);
    }
  }
}
