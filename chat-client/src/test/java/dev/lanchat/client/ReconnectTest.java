package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.client.session.Reconnector;
import dev.lanchat.client.session.SessionSettings;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.trust.KnownPeers;
import dev.lanchat.common.trust.KnownServers;
import java.io.IOException;
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
 * A lost connection, against a scripted server: the client reconnects by itself with the same
 * name and pin check, resends what the server had not confirmed, and keeps the half-typed line.
 */
class ReconnectTest {
  @TempDir
  Path home;

  private ClientRun piped(FakeServer server, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1",
        "--port", String.valueOf(server.port()), "--accept-new", "--name", "alice",
        "--known-servers", home.resolve("known_servers").toString(),
        "--identity", home.resolve("identity.pem").toString()));
    args.addAll(List.of(more));
    return ClientRun.start(args.toArray(String[]::new));
  }

  /** Asserts {@code m} is a SAY of {@code text} in #general and returns its id. */
  private static long say(String text, ClientMessage m) {
    FakeServer.Peer.assertSay(text, m);
    return ((ClientMessage.Say) m).id();
  }

  /**
   * Welcomes a reconnecting client back: its JOIN, WELCOME, then its ENTER of #general from
   * the last event it saw (returned, 0 when it saw none), answered with ENTERED, ROSTER and its own JOINED.
   */
  private static long welcomeBack(FakeServer.Peer peer) throws IOException {
    assertEquals(new ClientMessage.Join("alice"), peer.receive(), "the same name");
    peer.send(new ServerMessage.Welcome("alice", "fake", "", 0, 0, 20));
    ClientMessage.Enter enter = peer.expect(ClientMessage.Enter.class);
    assertEquals(FakeServer.GENERAL, enter.room());
    Member self = new Member("alice", peer.clientKey());
    peer.send(new ServerMessage.Entered(FakeServer.GENERAL, "", 1, 0, 0),
        new ServerMessage.Roster(FakeServer.GENERAL, false, List.of(new RosterEntry(self))),
        new ServerMessage.Joined(FakeServer.event(FakeServer.T1201, self.key()), self));
    return enter.since();
  }

  @Test
  void aPipedRunReconnectsResendsTheUnconfirmedLineAndExitsZeroOnceAllAreConfirmed()
      throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = piped(server);
      long id;
      try (FakeServer.Peer first = server.accept()) {
        first.welcome("");
        client.type("one");
        id = say("one", first.receiveLine()); // received, never confirmed
      } // the connection drops before the server answered the PING
      try (FakeServer.Peer second = server.accept()) {
        assertTrue(welcomeBack(second) > 0, "entered again from the last event seen");
        assertEquals(id, say("one", second.receiveLine()), "resent with its id: the server "
            + "drops a repeat");
        client.type("two");
        say("two", second.receiveLine());
        client.endInput();
        second.answerGoodbye();
      }
      assertEquals(ExitCode.OK, client.exitCode(), client.err());
      String err = client.err();
      assertTrue(err.contains("! connection lost: the server closed the connection; "
          + "reconnecting for up to 60 s"), err);
      assertTrue(err.contains("* reconnected as alice"), err);
      assertEquals(1, client.outLines().stream().filter(l -> l.startsWith("* connected")).count(),
          "the connection line once; the reconnect is one line on stderr: " + client.out());
    }
  }

  /** MESSAGE {@code id} of #general from bob. */
  private static ServerMessage.Chat fromBob(long id, String text) {
    return new ServerMessage.Chat(new EventHeader(FakeServer.GENERAL, id,
        ByteString.copyOf(new byte[32]), FakeServer.T1201, FakeServer.member("bob").key()),
        "bob", text);
  }

  @Test
  void theCatchUpStartsAfterTheLastEventSeenAndNoEventIsShownTwice() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = piped(server);
      long seen = 1_000_000;
      try (FakeServer.Peer first = server.accept()) {
        first.welcome("");
        first.send(fromBob(seen, "one"));
        client.awaitOut("<bob> one");
      }
      try (FakeServer.Peer second = server.accept()) {
        assertEquals(new ClientMessage.Join("alice"), second.receive());
        second.send(new ServerMessage.Welcome("alice", "fake", "", 0, 0, 20));
        assertEquals(new ClientMessage.Enter(FakeServer.GENERAL, seen), second.receive(),
            "entered again from the last event seen");
        Member self = new Member("alice", second.clientKey());
        second.send(new ServerMessage.Entered(FakeServer.GENERAL, "", 2, 3, 1234),
            new ServerMessage.Roster(FakeServer.GENERAL, false, List.of(new RosterEntry(self))),
            fromBob(seen, "one"), // a server may overlap what was seen: it is not shown again
            fromBob(seen + 1, "two"),
            fromBob(seen + 2, "three"),
            fromBob(seen + 1, "two")); // nor is a repeat
        client.endInput();
        second.answerGoodbye();
      }
      assertEquals(ExitCode.OK, client.exitCode(), client.err());
      List<String> shown = client.outLines().stream()
          .filter(l -> l.contains("<bob>") || l.contains("earlier events")).toList();
      assertEquals(List.of("12:01 <bob> one",
          "* 1234 earlier events of #general were not sent (only the newest are kept for a "
              + "catch-up)",
          "12:01 <bob> two", "12:01 <bob> three"), shown, client.out());
    }
  }

  @Test
  void aConfirmedLineIsNotSentAgainAfterTheDrop() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = piped(server);
      try (FakeServer.Peer first = server.accept()) {
        first.welcome("");
        client.type("one");
        say("one", first.receive());
        ClientMessage.Ping ping = first.expect(ClientMessage.Ping.class);
        first.send(new ServerMessage.Pong(ping.token())); // the server has it
        first.send(FakeServer.chat(FakeServer.T1201, "alice", "one"));
        client.awaitOut("<alice> one");
      }
      try (FakeServer.Peer second = server.accept()) {
        welcomeBack(second);
        client.type("two");
        say("two", second.receiveLine()); // one was confirmed: not resent
        client.endInput();
        second.answerGoodbye();
      }
      assertEquals(ExitCode.OK, client.exitCode(), client.err());
    }
  }

  @Test
  void aChangedServerKeyOnReconnectIsRefusedAsAtFirstConnect() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = piped(server);
      try (FakeServer.Peer first = server.accept()) {
        first.welcome("");
        client.awaitOut("* connected");
        server.useIdentity(FakeServer.newIdentity());
      }
      try (FakeServer.Peer impostor = server.accept()) {
        impostor.expectEnd(); // nothing encrypted is sent to a key that is not the pinned one
      }
      assertEquals(ExitCode.UNTRUSTED, client.exitCode(), client.err());
      assertTrue(client.err().contains("--forget"), client.err());
    }
  }

  @Test
  void theNameHeldByOurOwnLostSessionIsTriedAgainNotGivenUp() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = piped(server);
      try (FakeServer.Peer first = server.accept()) {
        first.welcome("");
        client.awaitOut("* connected");
      }
      try (FakeServer.Peer second = server.accept()) {
        assertEquals(new ClientMessage.Join("alice"), second.receive());
        second.send(new ServerMessage.Error(ErrorCode.NAME_TAKEN, "alice is here already"));
      }
      try (FakeServer.Peer third = server.accept()) {
        welcomeBack(third);
        client.endInput();
        third.answerGoodbye();
      }
      assertEquals(ExitCode.OK, client.exitCode(), client.err());
    }
  }

  @Test
  void aNameBoundToAnotherKeyOnReconnectEndsTheRunAsARefusal() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = piped(server);
      try (FakeServer.Peer first = server.accept()) {
        first.welcome("");
        client.awaitOut("* connected");
      }
      try (FakeServer.Peer second = server.accept()) {
        second.receive();
        second.send(new ServerMessage.Error(ErrorCode.NAME_BOUND, "alice belongs to another key"));
        assertEquals(ExitCode.NOT_JOINED, client.exitCode(), client.err());
      }
      assertTrue(client.err().contains("alice belongs to another key"), client.err());
    }
  }

  @Test
  void aPipedRunGivesUpAfterReconnectForSecondsAndExitsOne() throws Exception {
    FakeServer server = new FakeServer();
    ClientRun client = piped(server, "--reconnect-for", "2");
    try (FakeServer.Peer first = server.accept()) {
      first.welcome("");
      client.type("one");
      say("one", first.receiveLine());
      server.close(); // nothing listens any more: every attempt is refused
    }
    assertEquals(ExitCode.CONNECTION, client.exitCode(), client.err());
    String err = client.err();
    assertTrue(err.contains("! connection lost: not back within 2 s (--reconnect-for); "
        + "1 of your messages were not confirmed by the server"), err);
  }

  /** An interactive program on {@code vt}, pinning in a fresh file. */
  private CompletableFuture<Integer> interactive(FakeServer server, InteractiveConsole console)
      throws IOException {
    PinCheck pins = new PinCheck(KnownServers.load(home.resolve("known_servers")),
        server.hostPort(), server.identity().fingerprint(), false, console);
    ChatProgram program = new ChatProgram(new ChatProgram.Settings(
        SessionSettings.of("127.0.0.1", server.port(), Identity.generate(new SecureRandom()))
            .withPingInterval(Duration.ofSeconds(30)),
        "alice", ZoneOffset.UTC), console, pins, KnownPeers.load(home.resolve("known_peers")));
    return ClientRun.onOwnThread(program::run);
  }

  @Test
  void theHalfTypedLineSurvivesTheDropAndTheReconnect() throws Exception {
    try (FakeServer server = new FakeServer(); VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<Integer> exit = interactive(server, console);
      try (FakeServer.Peer first = server.accept()) {
        first.welcome("");
        vt.await("* connected", 0);
        vt.await("> ", 0);
        vt.type("half ty");
        vt.await("half ty", 0);
      }
      int at = vt.await("! connection lost: the server closed the connection; reconnecting "
          + "(/quit or Ctrl-D to stop)", 0);
      try (FakeServer.Peer second = server.accept()) {
        welcomeBack(second);
        at = vt.await("* reconnected as alice", at);
        vt.await("> half ty", at); // redrawn under the notices, as it was
        vt.type("ped\r");
        say("half typed", second.receiveLine());
        vt.type("/quit\r");
        second.answerGoodbye();
      }
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
      console.close();
    }
  }

  @Test
  void linesTypedWhileDisconnectedAreSentInOrderOnceBackAndTheHundredAndFirstIsRefused()
      throws Exception {
    try (FakeServer server = new FakeServer(); VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<Integer> exit = interactive(server, console);
      try (FakeServer.Peer first = server.accept()) {
        first.welcome("");
        vt.await("* connected", 0);
      }
      int at = vt.await("reconnecting", 0);
      StringBuilder keys = new StringBuilder();
      for (int i = 1; i <= Reconnector.MAX_QUEUED + 1; i++) {
        keys.append("line ").append(i).append('\r');
      }
      vt.type(keys.toString()); // the server does not answer: no session takes them yet
      vt.await("! not sent: 100 lines already wait for the connection to come back", at);
      try (FakeServer.Peer second = server.accept()) {
        welcomeBack(second);
        for (int i = 1; i <= Reconnector.MAX_QUEUED; i++) {
          say("line " + i, second.receiveLine());
        }
        vt.type("/quit\r");
        second.answerGoodbye(); // line 101 never comes
      }
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
      console.close();
    }
  }

  @Test
  void quittingWhileDisconnectedEndsAtOnce() throws Exception {
    FakeServer server = new FakeServer(); // closed in the test: it never comes back
    try (VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<Integer> exit = interactive(server, console);
      try (FakeServer.Peer first = server.accept()) {
        first.welcome("");
        vt.await("* connected", 0);
      }
      server.close();
      vt.await("reconnecting", 0);
      vt.type("/quit\r");
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
      console.close();
    }
  }
}
