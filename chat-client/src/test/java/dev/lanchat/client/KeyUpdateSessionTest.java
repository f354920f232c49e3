package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.channel.KeyUpdatePolicy;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.testing.FaultProxy;
import dev.lanchat.common.testing.Tamper;
import dev.lanchat.server.ChatServer;
import dev.lanchat.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol "Key update" between the real server and real piped clients on loopback, with the
 * record threshold lowered to 3 by the test property both programs read: every direction moves
 * to a new key after every third record, and a few hundred lines each way all arrive, once and
 * in order. A proxy in between counts the KEY_UPDATE records (one byte plus the tag: a 21-byte
 * frame) so the test fails if the programs stop updating.
 */
class KeyUpdateSessionTest {
  private static final int LINES = 250;
  private static final int UPDATE_FRAME = 4 + 1 + CipherState.TAG_SIZE;

  @TempDir
  Path home;

  private final AtomicInteger updatesToServer = new AtomicInteger();
  private final AtomicInteger updatesToClient = new AtomicInteger();
  private final AtomicInteger framesToClient = new AtomicInteger();

  @BeforeEach
  void lowerTheThreshold() {
    System.setProperty(KeyUpdatePolicy.TEST_RECORDS_PROPERTY, "3");
  }

  @AfterEach
  void restoreTheThreshold() {
    System.clearProperty(KeyUpdatePolicy.TEST_RECORDS_PROPERTY);
  }

  private ChatServer server() throws IOException {
    return ChatServer.start(ServerConfig.builder()
        .dataFile(home.resolve("server.db"))
        .bind(InetAddress.getLoopbackAddress())
        .port(0)
        .identityFile(Path.of("unused-in-process.pem"))
        .connectRate(0, 1)
        .messageRate(0, 1)
        .roomBudget(ServerConfig.RoomBudget.UNLIMITED) // 500 lines at once are over the default
        .discovery(false).build(), Identity.generate(new SecureRandom()));
  }

  private Tamper counting(AtomicInteger updates, AtomicInteger frames) {
    return (index, frame) -> {
      frames.incrementAndGet();
      if (frame.length == UPDATE_FRAME) {
        updates.incrementAndGet();
      }
      return new Tamper.Action.Emit(List.of(frame));
    };
  }

  private ClientRun client(FaultProxy proxy, String name) throws IOException {
    Path mine = Files.createDirectories(home.resolve(name));
    return ClientRun.start("--host", "127.0.0.1", "--port", String.valueOf(proxy.port()),
        "--accept-new", "--name", name,
        "--known-servers", mine.resolve("known_servers").toString(),
        "--identity", mine.resolve("identity.pem").toString());
  }

  private static List<String> linesOf(String who, String prefix) {
    return IntStream.range(0, LINES).mapToObj(i -> "<" + who + "> " + prefix + i).toList();
  }

  /** The lines of {@code who} that {@code run} printed, in the order it printed them. */
  private static List<String> shown(ClientRun run, String who) {
    String marker = "<" + who + "> ";
    return run.outLines().stream().filter(l -> l.contains(marker))
        .map(l -> l.substring(l.indexOf(marker))).toList();
  }

  @Test
  void aRealSessionUpdatesKeysEveryThreeRecordsBothWaysAndLosesNothing() throws Exception {
    try (ChatServer server = server();
        FaultProxy proxy = FaultProxy.start(server.port(), () -> new FaultProxy.Plan(
            counting(updatesToServer, new AtomicInteger()),
            counting(updatesToClient, framesToClient),
            FaultProxy.Chunking.WHOLE))) {
      ClientRun bob = client(proxy, "bob");
      bob.awaitOut("as bob");
      ClientRun alice = client(proxy, "alice");
      alice.awaitOut("as alice");
      for (int i = 0; i < LINES; i++) {
        alice.type("a" + i);
        bob.type("b" + i);
      }
      bob.awaitOut("<alice> a" + (LINES - 1) + "\n");
      alice.awaitOut("<bob> b" + (LINES - 1) + "\n");
      alice.endInput();
      bob.endInput();
      assertEquals(ExitCode.OK, alice.exitCode(), alice.err());
      assertEquals(ExitCode.OK, bob.exitCode(), bob.err());

      assertEquals(linesOf("alice", "a"), shown(bob, "alice"), "bob saw every line once");
      assertEquals(linesOf("bob", "b"), shown(alice, "bob"), "alice saw every line once");
      // each client sent at least LINES records: at one KEY_UPDATE per 3, at least LINES / 3
      // each. The server sent each of them 2 * LINES lines, in fewer records when a BATCH
      // carried several (protocol §5.13): one KEY_UPDATE per 3 of whatever records it sent,
      // the hellos and a few records either side of a key change aside
      assertTrue(updatesToServer.get() >= 2 * (LINES / 3),
          "KEY_UPDATE records client to server: " + updatesToServer.get());
      int others = framesToClient.get() - updatesToClient.get();
      assertTrue(updatesToClient.get() >= (others - 2 * 10) / 3 && updatesToClient.get() >= 20,
          "KEY_UPDATE records server to client: " + updatesToClient.get() + " among "
              + framesToClient.get() + " frames");
    }
  }
}
