package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 on a real terminal (a pty), through the launcher: every room command typed by a
 * person, tab completion of room names, a mention highlighted with the bell (and no bell with
 * {@code --no-bell}), a 40-line bracketed paste arriving at the others as one message, and
 * {@code /help} and {@code --help} listing all of it.
 */
@Timeout(240)
class RoomsOnTerminalEndToEndIT {
  private static final List<String> COMMANDS = List.of("/join", "/part", "/switch", "/rooms",
      "/topic", "/who", "/me", "/nick", "/away", "/back", "/ignore", "/unignore");
  private static final String BELL = "\u0007";

  @TempDir
  Path dir;

  @BeforeEach
  void needsAPty() {
    assumeTrue(OnTerminal.available(), "needs util-linux script for a pseudo-terminal");
  }

  @Test
  void everyRoomCommandWorksWhenTypedAndTabCompletesRoomNames() throws Exception {
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      Launched bob = lan.client(server.port(), "bob");
      bob.awaitOut("as bob");
      OnTerminal alice = lan.terminalClient(server.port(), "alice");
      int at = alice.await("as alice", 0);
      alice.awaitPrompt();

      at = alice.typeLine("/join #dev", at);
      at = alice.await("#dev", at); // entered
      alice.type("/switch #gen\t"); // Tab completes the room name
      at = alice.await("#general", at);
      at = alice.typeLine("", at);
      at = alice.typeLine("hello general", at);
      bob.awaitOut(l -> l.endsWith("<alice> hello general"), "alice back in #general");

      at = alice.typeLine("/me waves", at);
      bob.awaitOut(l -> l.endsWith("* alice waves"), "/me");
      at = alice.typeLine("/topic Ship it", at);
      bob.awaitOut("Ship it");
      at = alice.typeLine("/rooms", at);
      alice.await("#dev", at);
      alice.await("#general", at);
      at = alice.typeLine("/away brb", at);
      at = alice.typeLine("/who", at);
      at = alice.await("alice (away: brb)", at); // marked away in /who
      at = alice.typeLine("/back", at);
      at = alice.typeLine("/ignore bob", at);
      at = alice.typeLine("/ignore", at);
      at = alice.await("bob", at); // the list

      bob.type("ignored-line");
      bob.awaitOut(l -> l.endsWith("<bob> ignored-line"), "bob's line in the room");
      at = alice.typeLine("/rooms", at); // answered after bob's line on alice's connection
      at = alice.await("rooms:", at);
      assertEquals(0, alice.count("ignored-line"), "an ignored line is not shown\n"
          + alice.transcript());
      at = alice.typeLine("/unignore bob", at);
      at = alice.await("no longer ignoring bob", at);
      bob.type("/nick robert");
      at = alice.await("bob is now known as robert", at);
      at = alice.typeLine("/nick al", at);
      bob.awaitOut(l -> l.endsWith("* alice is now known as al"), "alice's rename");
      bob.type("after-unignore");
      at = alice.await("<robert> after-unignore", at);

      at = alice.typeLine("/part #dev", at);
      at = alice.typeLine("/rooms", at); // answered after the PART was handled
      at = alice.await("#general:", at); // #dev, empty now, is no longer listed
      bob.type("/join #dev");
      bob.type("dev-after-part");
      bob.type("/switch #general");
      bob.type("general-after-part");
      alice.await("<robert> general-after-part", at);
      assertEquals(0, alice.count("dev-after-part"), "alice left #dev\n" + alice.transcript());
      bob.endInput();
      assertEquals(0, bob.awaitExit(), bob.transcript());
    }
  }

  @Test
  void aMentionIsHighlightedAndRingsTheBellUnlessNoBell() throws Exception {
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      Launched bob = lan.client(server.port(), "bob");
      OnTerminal alice = lan.terminalClient(server.port(), "alice");
      OnTerminal carol = lan.terminalClient(server.port(), "carol", "--no-bell");
      alice.await("as alice", 0);
      carol.await("as carol", 0);
      alice.awaitPrompt();
      carol.awaitPrompt();
      int aliceAt = alice.screen().length();
      int carolAt = carol.screen().length();
      bob.type("hey alice and carol, lunch?");
      aliceAt = alice.await("lunch?", aliceAt);
      alice.await(BELL, aliceAt - "lunch?".length());
      assertTrue(alice.raw().contains("\u001B[7malice\u001B[27m"),
          "the name is shown in reverse video\n" + alice.transcript());
      carol.await("lunch?", carolAt);
      bob.type("and again"); // the bell would have rung by now
      carol.await("and again", carolAt);
      assertFalse(carol.raw().contains(BELL), "--no-bell: no bell\n" + carol.transcript());
      bob.endInput();
      assertEquals(0, bob.awaitExit(), bob.transcript());
    }
  }

  @Test
  void aFortyLinePasteArrivesAtTheOthersAsOneMessageIntact() throws Exception {
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      Launched bob = lan.client(server.port(), "bob");
      bob.awaitOut("as bob");
      OnTerminal alice = lan.terminalClient(server.port(), "alice");
      alice.await("as alice", 0);
      alice.awaitPrompt();
      List<String> lines = new ArrayList<>();
      for (int i = 1; i <= 40; i++) {
        lines.add(String.format("paste-%02d at java.base/Foo.bar(Foo.java:%d)", i, i));
      }
      alice.paste(String.join("\r", lines)); // a terminal sends a pasted newline as CR
      alice.typeLine("");
      bob.awaitOut(lines.getLast());
      bob.endInput();
      assertEquals(0, bob.awaitExit(), bob.transcript());

      List<String> out = bob.stdout();
      int first = -1;
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i).endsWith("<alice> " + lines.getFirst())) {
          first = i;
        }
      }
      assertTrue(first >= 0, "the first line heads the message\n" + bob.transcript());
      String marker = null;
      for (int i = 1; i < 40; i++) {
        String line = out.get(first + i);
        assertTrue(line.endsWith(lines.get(i)) && !line.contains("<alice>"),
            "line " + (i + 1) + " continues the same message: " + line);
        String prefix = line.substring(0, line.length() - lines.get(i).length());
        assertFalse(prefix.isBlank() && prefix.isEmpty(), "a continuation is marked: " + line);
        if (marker == null) {
          marker = prefix;
        }
        assertEquals(marker, prefix, "every continuation line has the same marker");
      }
      long messages = out.stream().filter(l -> l.contains("<alice> paste-")).count();
      assertEquals(1, messages, "one message, not forty\n" + bob.transcript());
    }
  }

  @Test
  void helpOnTheTerminalAndHelpOnTheCommandLineListEveryRoomCommandAndOption()
      throws Exception {
    try (Lan lan = new Lan(dir)) {
      Launched help = Launched.start("chat-client", lan.home("alice"), "--help");
      assertEquals(0, help.awaitExit(), help.transcript());
      String usage = String.join("\n", help.stdout());
      for (String option : List.of("--room", "--no-bell", "--log", "--reconnect-for")) {
        assertTrue(usage.contains(option), option + " in --help\n" + usage);
      }
      for (String command : COMMANDS) {
        assertTrue(usage.contains(command), command + " in --help\n" + usage);
      }

      Lan.Server server = lan.server();
      OnTerminal alice = lan.terminalClient(server.port(), "alice");
      int at = alice.await("as alice", 0);
      alice.awaitPrompt();
      at = alice.typeLine("/help", at);
      alice.await("/unignore", at);
      String shown = alice.screen().substring(at);
      for (String command : COMMANDS) {
        assertTrue(shown.contains(command), command + " in /help\n" + alice.transcript());
      }
    }
  }
}
