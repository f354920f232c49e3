package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection cut by a TCP reset in mid-conversation, against the real server in-process: the
 * client reconnects by itself, and nothing is lost or shown twice.
 */
class RealServerReconnectTest {
  @TempDir
  Path home;

  private ChatServer server() throws IOException {
    return ChatServer.start(ServerConfig.builder()
        .dataFile(home.resolve("server.db"))
        .bind(InetAddress.getLoopbackAddress())
        .port(0)
        .identityFile(Path.of("unused-in-process.pem"))
        .connectRate(0, 1)
        .messageRate(0, 1)
        .discovery(false).build(), Identity.generate(new SecureRandom()));
  }

  /** A piped client of its own home, joining as {@code name} on {@code port}. */
  private ClientRun client(int port, String name, String... more) throws IOException {
    Path mine = Files.createDirectories(home.resolve(name));
    List<String> args = new java.util.ArrayList<>(List.of("--host", "127.0.0.1",
        "--port", String.valueOf(port), "--accept-new", "--name", name,
        "--known-servers", mine.resolve("known_servers").toString(),
        "--identity", mine.resolve("identity.pem").toString()));
    args.addAll(List.of(more));
    return ClientRun.start(args.toArray(String[]::new));
  }

  /** Resets the connection at the next frame towards the client once {@code cut} is set. */
  private static Tamper resetWhen(AtomicBoolean cut) {
    return (index, frame) -> cut.compareAndSet(true, false)
        ? new Tamper.Action.Reset() : new Tamper.Action.Emit(List.of(frame));
  }

  private static long count(List<String> lines, String suffix) {
    return lines.stream().filter(l -> l.endsWith(suffix)).count();
  }

  /**
   * Runs the cut: alice (through the proxy) and bob chat, alice's connection is reset while bob
   * speaks, alice types during the outage and after; both leave. Returns {alice, bob}.
   */
  private List<ClientRun> chatAcrossACut(ChatServer server, Path logs) throws Exception {
    AtomicBoolean cut = new AtomicBoolean();
    try (FaultProxy proxy = FaultProxy.start(server.port(), () -> new FaultProxy.Plan(
        Tamper.none(), resetWhen(cut), FaultProxy.Chunking.WHOLE))) {
      ClientRun bob = client(server.port(), "bob");
      bob.awaitOut("as bob");
      ClientRun alice = client(proxy.port(), "alice", "--log", logs.toString());
      alice.awaitOut("as alice");
      alice.type("before");
      bob.awaitOut("<alice> before");
      // the ROSTER comes after the PONG that confirms "before": nothing of alice's is pending
      alice.type("/who");
      alice.awaitOut("* here: ");

      cut.set(true);
      bob.type("while alice is cut off"); // its record to alice meets the reset
      alice.awaitErr("reconnecting for up to 60 s");
      alice.type("typed during the outage");
      alice.awaitErr("* reconnected as alice");
      bob.awaitOut("<alice> typed during the outage");
      alice.type("after");
      bob.awaitOut("<alice> after");
      bob.type("welcome back");
      alice.awaitOut("<bob> welcome back");
      alice.endInput();
      assertEquals(ExitCode.OK, alice.exitCode(), alice.err());
      bob.endInput();
      assertEquals(ExitCode.OK, bob.exitCode(), bob.err());
      return List.of(alice, bob);
    }
  }

  @Test
  void aResetConnectionComesBackByItselfAndEveryLineArrivesOnce() throws Exception {
    try (ChatServer server = server()) {
      Path logs = home.resolve("logs");
      List<ClientRun> runs = chatAcrossACut(server, logs);
      ClientRun bob = runs.get(1);
      List<String> heard = bob.outLines();
      for (String line : List.of("<alice> before", "<alice> typed during the outage",
          "<alice> after")) {
        assertEquals(1, count(heard, line), line + " once: " + bob.out());
      }
      assertEquals(1, count(runs.get(0).outLines(), "<bob> welcome back"), runs.get(0).out());
      String log = Files.readString(Files.list(logs).findFirst().orElseThrow());
      assertTrue(log.contains("<alice> before") && log.contains("* reconnected as alice"), log);
    }
  }

  @Test
  void whatWasSaidDuringTheCutIsShownOnceInTheRoomsOrder() throws Exception {
    try (ChatServer server = server()) {
      ClientRun alice = chatAcrossACut(server, home.resolve("logs")).get(0);
      List<String> seen = alice.outLines();
      List<String> expected = List.of("<alice> before", "<bob> while alice is cut off",
          "<alice> typed during the outage", "<alice> after", "<bob> welcome back");
      for (String line : expected) {
        assertEquals(1, count(seen, line), line + " once: " + alice.out());
      }
      List<String> order = seen.stream()
          .filter(l -> expected.stream().anyMatch(l::endsWith)).toList();
      assertEquals(expected.size(), order.size(), alice.out());
      for (int i = 0; i < expected.size(); i++) {
        assertTrue(order.get(i).endsWith(expected.get(i)), "in order: " + alice.out());
      }
    }
  }
}
