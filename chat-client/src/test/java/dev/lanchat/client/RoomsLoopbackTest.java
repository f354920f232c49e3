package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.client.session.SessionSettings;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.trust.KnownPeers;
import dev.lanchat.common.trust.KnownServers;
import dev.lanchat.server.ChatServer;
import dev.lanchat.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rooms end to end: piped clients (and one at a virtual terminal) against the real server,
 * in-process on loopback. A piped client's end of input is the barrier before a negative
 * assertion: it exits only after the server answered its closing PING, so every event the
 * server sent it before that is in its output.
 */
class RoomsLoopbackTest {
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

  /** A piped client with its own home (so its own key) named {@code name}. */
  private ClientRun client(ChatServer server, String name, String... more) throws IOException {
    return clientOf(server, name, name, more);
  }

  private ClientRun clientOf(ChatServer server, String who, String name, String... more)
      throws IOException {
    Path mine = Files.createDirectories(home.resolve(who));
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1",
        "--port", String.valueOf(server.port()), "--accept-new", "--name", name,
        "--known-servers", mine.resolve("known_servers").toString(),
        "--identity", mine.resolve("identity.pem").toString()));
    args.addAll(List.of(more));
    return ClientRun.start(args.toArray(String[]::new));
  }

  @Test
  void aClientInNoRoomGetsNothingOfTheRoomsAndOneInManyGetsEachWithItsName() throws Exception {
    try (ChatServer server = server()) {
      ClientRun none = client(server, "nobody");
      none.awaitOut("you entered #general");
      none.type("/part");
      none.awaitOut("you are in no room");
      ClientRun many = client(server, "many", "--room", "#a");
      many.awaitOut("you entered #a");
      for (String room : List.of("#b", "#c", "#general")) {
        many.type("/join " + room);
        many.awaitOut("you entered " + room);
      }
      ClientRun talker = client(server, "talker", "--room", "#b");
      talker.awaitOut("you entered #b");
      talker.type("only for b").type("/join #c").type("only for c");
      many.awaitOut("#c <talker> only for c");
      none.endInput();
      assertEquals(ExitCode.OK, none.exitCode(), none.err());
      assertTrue(none.out().lines().noneMatch(l -> l.contains("talker") || l.contains("many")),
          "a client in no room hears nothing of any room: " + none.out());
      assertTrue(many.out().contains("#b <talker> only for b"), many.out());
      talker.endInput();
      many.endInput();
      assertEquals(ExitCode.OK, many.exitCode(), many.err());
      assertEquals(ExitCode.OK, talker.exitCode(), talker.err());
    }
  }

  @Test
  void eachRoomKeepsItsOwnOrder() throws Exception {
    try (ChatServer server = server()) {
      ClientRun watcher = client(server, "watcher", "--room", "#x");
      watcher.awaitOut("you entered #x");
      watcher.type("/join #y");
      watcher.awaitOut("you entered #y");
      ClientRun inX = client(server, "ann", "--room", "#x");
      ClientRun inY = client(server, "ben", "--room", "#y");
      inX.awaitOut("you entered #x");
      inY.awaitOut("you entered #y");
      for (int i = 1; i <= 20; i++) {
        inX.type("x" + i);
        inY.type("y" + i);
      }
      inX.endInput();
      inY.endInput();
      assertEquals(ExitCode.OK, inX.exitCode(), inX.err());
      assertEquals(ExitCode.OK, inY.exitCode(), inY.err());
      watcher.awaitOut("<ann> x20");
      watcher.awaitOut("<ben> y20");
      watcher.endInput();
      assertEquals(ExitCode.OK, watcher.exitCode(), watcher.err());
      assertEquals(numbered("x"), said(watcher.outLines(), "<ann> x"));
      assertEquals(numbered("y"), said(watcher.outLines(), "<ben> y"));
    }
  }

  private static List<String> numbered(String prefix) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  private static List<String> said(List<String> lines, String marker) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      int at = line.indexOf(marker);
      if (at >= 0) {
        out.add(line.substring(at + marker.length() - 1));
      }
    }
    return out;
  }

  @Test
  void enteringARoomShowsItsHistoryMarked() throws Exception {
    try (ChatServer server = server()) {
      ClientRun alice = client(server, "alice", "--room", "#dev");
      alice.type("first").type("second");
      alice.endInput();
      assertEquals(ExitCode.OK, alice.exitCode(), alice.err());
      ClientRun bob = client(server, "bob", "--room", "#dev");
      bob.awaitOut("you entered #dev");
      bob.endInput();
      assertEquals(ExitCode.OK, bob.exitCode(), bob.err());
      List<String> history = bob.outLines().stream()
          .filter(l -> l.startsWith(RoomView.HISTORY)).toList();
      assertTrue(history.stream().anyMatch(l -> l.endsWith("<alice> first")), bob.out());
      assertTrue(history.stream().anyMatch(l -> l.endsWith("<alice> second")), bob.out());
      assertTrue(bob.outLines().stream().noneMatch(l -> l.matches("\\d\\d:\\d\\d <alice> .*")),
          "nothing of alice's is live: " + bob.out());
    }
  }

  @Test
  void aRenameMovesTheKeysBindingTheOldNameIsFreeAndTheNewOneRefusedToOthers()
      throws Exception {
    try (ChatServer server = server()) {
      ClientRun alice = client(server, "alice");
      alice.type("/nick al");
      alice.awaitOut("you are now known as al");
      alice.endInput();
      assertEquals(ExitCode.OK, alice.exitCode(), alice.err());

      ClientRun impostor = clientOf(server, "mallory", "al");
      impostor.endInput();
      assertEquals(ExitCode.NOT_JOINED, impostor.exitCode(), "al is bound to alice's key");
      ClientRun newcomer = clientOf(server, "carol", "alice");
      newcomer.awaitOut("you entered #general");
      newcomer.endInput();
      assertEquals(ExitCode.OK, newcomer.exitCode(), "the old name is free: " + newcomer.err());
    }
  }

  @Test
  void aFortyLinePasteArrivesAtTheOthersAsOneMessageIntact() throws Exception {
    try (ChatServer server = server(); VirtualTerminal vt = new VirtualTerminal()) {
      ClientRun bob = client(server, "bob");
      bob.awaitOut("you entered #general");
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      Path mine = Files.createDirectories(home.resolve("paster"));
      PinCheck pins = new PinCheck(KnownServers.load(mine.resolve("known_servers")),
          "127.0.0.1:" + server.port(), null, true, console);
      ChatProgram program = new ChatProgram(new ChatProgram.Settings(
          SessionSettings.of("127.0.0.1", server.port(), Identity.generate(new SecureRandom()))
              .withPingInterval(Duration.ofSeconds(30)), "paster", ZoneOffset.UTC),
          console, pins, KnownPeers.load(mine.resolve("known_peers")));
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(program::run);
      vt.await("> ", vt.await("you entered #general", 0));
      StringBuilder paste = new StringBuilder();
      for (int i = 1; i <= 40; i++) {
        paste.append("line ").append(i).append(i < 40 ? "\r" : "");
      }
      vt.type("\u001B[200~" + paste + "\u001B[201~\r");
      bob.awaitOut("  | line 40");
      vt.type("/quit\r");
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
      console.close();
      bob.endInput();
      assertEquals(ExitCode.OK, bob.exitCode(), bob.err());
      List<String> out = bob.outLines();
      int first = out.indexOf(out.stream().filter(l -> l.endsWith("<paster> line 1")).findFirst()
          .orElseThrow());
      for (int i = 2; i <= 40; i++) {
        assertEquals(Console.CONTINUATION + "line " + i, out.get(first + i - 1), bob.out());
      }
    }
  }
}
