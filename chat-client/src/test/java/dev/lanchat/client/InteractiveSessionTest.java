package dev.lanchat.client;

import static dev.lanchat.client.FakeServer.T1201;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.client.session.SessionSettings;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.trust.KnownPeers;
import dev.lanchat.common.trust.KnownServers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole session at a (virtual) terminal: trust question, name question, chat, quit. */
class InteractiveSessionTest {
  @TempDir
  Path home;

  /** Runs a session at {@code console}, pinning in a fresh file, joining as {@code name}. */
  private CompletableFuture<Integer> run(FakeServer server, Console console, String name)
      throws IOException {
    PinCheck pins = new PinCheck(KnownServers.load(home.resolve("known_servers")),
        server.hostPort(), null, false, console);
    ChatProgram program = new ChatProgram(new ChatProgram.Settings(
        SessionSettings.of("127.0.0.1", server.port(),
            dev.lanchat.common.crypto.Identity.generate(new java.security.SecureRandom()))
            .withPingInterval(Duration.ofSeconds(30)),
        name, ZoneOffset.UTC), console, pins, KnownPeers.load(home.resolve("known_peers")));
    return ClientRun.onOwnThread(program::run);
  }

  @Test
  void asksToTrustAsksForANameAgainWhenTakenThenChatsAndQuits() throws Exception {
    try (FakeServer server = new FakeServer(); VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), true);
      CompletableFuture<Integer> exit = run(server, console, null);

      int at = vt.await("Choose a chat name: ", 0); // asked before connecting
      vt.type("alice\r");
      try (FakeServer.Peer peer = server.accept()) {
        at = vt.await(server.identity().fingerprint(), at);
        vt.await("Trust this server and remember its key? [y/N] ", at);
        vt.type("y\r");
        assertEquals(new ClientMessage.Join("alice"), peer.receive());
        peer.send(new ServerMessage.Error(ErrorCode.NAME_TAKEN, "alice is here already"));
        at = vt.await("! name taken: alice is here already", at);
        vt.await("Choose a chat name: ", at);
        vt.type("alice2\r");
        assertEquals(new ClientMessage.Join("alice2"), peer.receive());
        peer.enter(new ServerMessage.Welcome("alice2", "", "", 0, 0, 20),
            List.of(FakeServer.member("alice")));
        at = vt.await("here: ", at);

        int beforeDm = vt.drawn().length();
        peer.send(FakeServer.dm(T1201, "alice", "alice2", "psst"));
        at = vt.await("psst", at);
        vt.await("\u0007", beforeDm); // a DM rings the bell
        int beforeMention = vt.drawn().length();
        peer.send(FakeServer.chat(T1201, "bob", "thanks ALICE2!"));
        // the mention is shown in reverse video as well as rung
        at = vt.await("thanks \u001B[7mALICE2\u001B[27m!", at);
        vt.await("\u0007", beforeMention); // so does a mention of your name

        vt.type("/who\r");
        assertEquals(new ClientMessage.Who(FakeServer.GENERAL), peer.receive());
        vt.type("/quit\r");
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
      assertEquals(KnownServers.Outcome.MATCH, KnownServers.load(home.resolve("known_servers"))
          .check(server.hostPort(), server.identity().publicKey()).outcome());
      String drawn = vt.drawn();
      assertTrue(drawn.contains("\u001B[1;3"), "names are coloured: " + VirtualTerminal.visible(drawn));
      console.close();
    }
  }

  @Test
  void answeringNoToTheTrustQuestionExitsThreeAndSendsNothing() throws Exception {
    try (FakeServer server = new FakeServer(); VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<Integer> exit = run(server, console, "alice");
      try (FakeServer.Peer peer = server.accept()) {
        vt.await("[y/N] ", 0);
        vt.type("\r"); // the default is no
        peer.expectEnd();
      }
      assertEquals(ExitCode.UNTRUSTED, exit.get(20, TimeUnit.SECONDS));
      console.close();
    }
  }

  @Test
  void whenTheServerGivesUpDuringTheTrustQuestionTheClientConnectsOnceMore() throws Exception {
    try (FakeServer server = new FakeServer(); VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<Integer> exit = run(server, console, "alice");
      FakeServer.Peer slow = server.accept();
      vt.await("[y/N] ", 0);
      slow.close(); // the server's accept-to-WELCOME deadline passes while the user reads
      vt.type("y\r");
      try (FakeServer.Peer peer = server.accept()) {
        int at = vt.await("connecting again", 0);
        peer.welcome("");
        vt.await("* connected to " + server.hostPort() + " as alice", at);
        vt.type("/quit\r");
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
      console.close();
    }
  }

  @Test
  void theTrustPromptAnsweredAfterTheServersDeadlineStillJoins() throws Exception {
    try (FakeServer server = new FakeServer(); VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<Integer> exit = run(server, console, "alice");
      try (FakeServer.Peer slow = server.accept()) {
        vt.await("[y/N] ", 0);
        // what a real server does when its handshake deadline passes: BYE, then close
        slow.send(new ServerMessage.Bye("took too long to join"));
      }
      vt.type("y\r");
      try (FakeServer.Peer peer = server.accept()) {
        assertEquals(new ClientMessage.Join("alice"), peer.receive());
        peer.enter(new ServerMessage.Welcome("alice", "Kitchen", "", 0, 0, 20), List.of());
        // the server's --name is on the connect line
        vt.await("* connected to " + server.hostPort() + " as alice (server Kitchen)", 0);
        vt.type("/quit see you tomorrow\r");
        ClientMessage.Ping ping = peer.expect(ClientMessage.Ping.class);
        peer.send(new ServerMessage.Pong(ping.token()));
        assertEquals(new ClientMessage.Bye("see you tomorrow"), peer.receive(),
            "the /quit message goes out in BYE");
      }
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
      assertTrue(!vt.drawn().contains("took too long"), "the person never sees the deadline");
      console.close();
    }
  }

  @Test
  void aSecondNamePromptAnsweredAfterTheServersDeadlineStillJoins() throws Exception {
    try (FakeServer server = new FakeServer(); VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<Integer> exit = run(server, console, "alice");
      try (FakeServer.Peer first = server.accept()) {
        vt.await("[y/N] ", 0);
        vt.type("y\r");
        assertEquals(new ClientMessage.Join("alice"), first.receive());
        first.send(new ServerMessage.Error(ErrorCode.NAME_TAKEN, "the name alice is taken"));
        vt.await("Choose a chat name: ", 0);
        first.send(new ServerMessage.Bye("took too long to join"));
      }
      vt.type("alice2\r");
      try (FakeServer.Peer peer = server.accept()) {
        assertEquals(new ClientMessage.Join("alice2"), peer.receive());
        peer.enter(new ServerMessage.Welcome("alice2", "", "", 0, 0, 20),
            List.of(FakeServer.member("alice")));
        vt.await("as alice2", 0);
        vt.type("/quit\r");
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
      console.close();
    }
  }

  @Test
  void garbageAtTheTrustPromptAsksAgain() throws Exception {
    try (FakeServer server = new FakeServer(); VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<Integer> exit = run(server, console, "alice");
      try (FakeServer.Peer peer = server.accept()) {
        int at = vt.await("[y/N] ", 0);
        vt.type("sure\r");
        at = vt.await("! please answer yes or no", at);
        vt.await("[y/N] ", at);
        vt.type("yes\r");
        peer.welcome(""); // expects the JOIN first
        vt.await("as alice", at);
        vt.type("/quit\r");
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
      console.close();
    }
  }

  @Test
  void ctrlCAtTheTrustPromptExitsThreeWithTheHintAScriptGets() throws Exception {
    try (FakeServer server = new FakeServer(); VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<Integer> exit = run(server, console, "alice");
      try (FakeServer.Peer peer = server.accept()) {
        vt.await("[y/N] ", 0);
        vt.type("\u0003");
        peer.expectEnd();
      }
      assertEquals(ExitCode.UNTRUSTED, exit.get(20, TimeUnit.SECONDS));
      vt.await("run again with --fingerprint " + server.identity().fingerprint()
          + " (or --accept-new)", 0);
      console.close();
    }
  }

  @Test
  void ctrlDAtTheNamePromptExitsAsAtTheTrustPrompt() throws Exception {
    try (FakeServer server = new FakeServer(); VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<Integer> exit = run(server, console, null);
      vt.await("Choose a chat name: ", 0);
      vt.type("\u0004");
      assertEquals(ExitCode.UNTRUSTED, exit.get(20, TimeUnit.SECONDS));
      console.close();
    }
  }

  @Test
  void ctrlCOnAHalfTypedLineClearsItAndKeepsTheSessionThenOnAnEmptyLineQuits()
      throws Exception {
    try (FakeServer server = new FakeServer(); VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<Integer> exit = run(server, console, "alice");
      try (FakeServer.Peer peer = server.accept()) {
        vt.await("[y/N] ", 0);
        vt.type("y\r");
        peer.welcome("");
        int at = vt.await("as alice", 0);
        // the line reader starts once #general's roster is in; keys typed before it would meet
        // a cooked terminal, which turns Ctrl-C into a signal
        at = vt.await("> ", vt.await("here: ", at));
        vt.type("half-typed");
        at = vt.await("half-typed", at);
        vt.type("\u0003");
        vt.await("> ", at);
        vt.type("hello\r");
        peer.expectSay("hello"); // the half line was cleared
        peer.send(FakeServer.chat(T1201, "alice", "hello"));
        at = vt.await("<alice> hello", at);
        // the prompt drawn again means the line reader is back: a Ctrl-C typed between two
        // reads reaches a cooked terminal, which turns it into a signal instead of input
        vt.await("> ", at + "<alice> hello".length());
        vt.type("\u0003"); // on an empty line: quit
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
      console.close();
    }
  }

  @Test
  void aLongLineWrapsWithAnIndentUnderTheText() throws Exception {
    try (FakeServer server = new FakeServer(); VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<Integer> exit = run(server, console, "alice");
      try (FakeServer.Peer peer = server.accept()) {
        vt.await("[y/N] ", 0);
        vt.type("y\r");
        peer.welcome("");
        int at = vt.await("as alice", 0);
        String words = "word ".repeat(40).strip(); // 199 columns on a 100-column terminal
        peer.send(FakeServer.chat(T1201, "bob", words));
        String head = "12:01 <bob> ";
        at = vt.await(head + "word", at);
        // the continuation starts under the text, not at column 0
        vt.await("\n" + " ".repeat(head.length()) + "word", at);
        vt.type("/quit\r");
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
      console.close();
    }
  }

  @Test
  void aFortyLinePasteIsSentAsOneMessageAndShownIndentedUnderItsFirstLine() throws Exception {
    try (FakeServer server = new FakeServer(); VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<Integer> exit = run(server, console, "alice");
      try (FakeServer.Peer peer = server.accept()) {
        vt.await("[y/N] ", 0);
        vt.type("y\r");
        peer.welcome("", "bob");
        int at = vt.await("#general> ", vt.await("here: ", 0)); // the prompt names the room
        StringBuilder paste = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
          paste.append("line ").append(i).append(i < 40 ? "\r" : "");
        }
        vt.type("\u001B[200~" + paste + "\u001B[201~\r");
        String text = paste.toString().replace('\r', '\n');
        peer.expectSay(text);
        peer.send(FakeServer.chat(FakeServer.T1201, "alice", text));
        String head = "12:01 <alice> ";
        at = vt.await(head + "line 1", at);
        vt.await("\n" + " ".repeat(head.length()) + "line 40", at);
        vt.type("/quit\r");
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
      console.close();
    }
  }
}
