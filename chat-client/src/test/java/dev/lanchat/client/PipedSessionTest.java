package dev.lanchat.client;

import static dev.lanchat.client.FakeServer.T1201;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client as a script uses it: stdin lines in, one event per stdout line out. */
class PipedSessionTest {
  @TempDir
  Path home;

  private ClientRun start(FakeServer server, String... more) throws IOException {
    List<String> args = new java.util.ArrayList<>(List.of("--host", "127.0.0.1",
        "--port", String.valueOf(server.port()), "--accept-new",
        "--known-servers", home.resolve("known_servers").toString(),
        "--identity", home.resolve("identity.pem").toString()));
    args.addAll(List.of(more));
    return ClientRun.start(args.toArray(String[]::new));
  }

  @Test
  void pipedSessionSendsLinesInOrderPrintsOneEventPerLineAndLeavesWithPingPongBye()
      throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server, "--name", "alice");
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("be nice", "bob");
        client.type("hello").type("/msg bob psst");
        peer.expectSay("hello");
        peer.expectDm("bob", "psst");
        peer.send(FakeServer.chat(T1201, "alice", "hello"),
            FakeServer.dm(T1201, "alice", "bob", "psst"),
            FakeServer.joined(T1201, "carol"),
            FakeServer.left(T1201, "bob", "", ""),
            FakeServer.left(T1201, "carol", "connection lost", ""));
        client.type("/who").type("one").type("two");
        client.endInput();
        assertEquals(new ClientMessage.Who(FakeServer.GENERAL), peer.receiveLine());
        peer.send(FakeServer.roster("alice"));
        // every input line arrives, in order, before the closing PING and BYE
        peer.expectSay("one");
        peer.expectSay("two");
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, client.exitCode(), client.err());
      List<String> expected = new java.util.ArrayList<>(List.of(
          "* connected to 127.0.0.1:" + server.port() + " as alice (server fake)",
          "* motd: be nice"));
      expected.addAll(FakeServer.Peer.welcomeLines("alice", "bob"));
      expected.addAll(List.of(
          "12:01 <alice> hello",
          "12:01 [alice -> bob] psst",
          "12:01 * carol joined",
          "12:01 * bob left",
          "12:01 * carol left (connection lost)",
          "* here: alice"));
      assertEquals(expected, client.outLines());
    }
  }

  @Test
  void emptyMotdPrintsNoMotdLine() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server, "--name", "alice");
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("");
        client.endInput();
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, client.exitCode());
      List<String> expected = new java.util.ArrayList<>(List.of("* connected to 127.0.0.1:"
          + server.port() + " as alice (server fake)"));
      expected.addAll(FakeServer.Peer.welcomeLines("alice"));
      assertEquals(expected, client.outLines());
    }
  }

  @Test
  void nameTakenWhenPipedExitsFourWithTheServersReason() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server, "--name", "alice");
      try (FakeServer.Peer peer = server.accept()) {
        assertEquals(new ClientMessage.Join("alice"), peer.receive());
        peer.send(new ServerMessage.Error(ErrorCode.NAME_TAKEN, "someone is called Alice"));
        peer.expectEnd();
      }
      assertEquals(ExitCode.NOT_JOINED, client.exitCode());
      assertEquals(List.of(), client.outLines(), "every ! line goes to stderr");
      assertTrue(client.err().contains("! name taken: someone is called Alice"), client.err());
    }
  }

  @Test
  void anInvalidNameWhenPipedExitsFourWithoutConnecting() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server, "--name", "-bad name");
      assertEquals(ExitCode.NOT_JOINED, client.exitCode());
      assertFalse(server.connectionWaiting(), "the client exited before connecting");
      assertTrue(client.err().contains("! invalid name -bad name: a name starts with"),
          client.err());
    }
  }

  @Test
  void serverClosingTheConnectionExitsOneWithAClearMessage() throws Exception {
    try (FakeServer server = new FakeServer()) {
      // with reconnecting off, as before reconnecting existed (ReconnectTest covers it on)
      ClientRun client = start(server, "--name", "alice", "--reconnect-for", "0");
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("");
      }
      assertEquals(ExitCode.CONNECTION, client.exitCode());
      assertTrue(client.err().contains("! connection lost: the server closed the connection"),
          client.err());
    }
  }

  @Test
  void serverByeExitsOneShowingTheReason() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server, "--name", "alice", "--reconnect-for", "0");
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("");
        peer.send(new ServerMessage.Bye("shutting down"));
        assertEquals(ExitCode.CONNECTION, client.exitCode());
      }
      assertTrue(client.outLines().contains("* server closed the connection: shutting down"),
          client.out());
    }
  }

  @Test
  void aPingGoesOutAfterTheKeepAliveIntervalWithoutSending() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server, "--name", "alice", "--ping-interval-ms", "200");
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("");
        // nothing typed: the next record can only be a keep-alive
        ClientMessage.Ping ping = peer.expect(ClientMessage.Ping.class);
        peer.send(new ServerMessage.Pong(ping.token()));
        client.type("still here");
        ClientMessage next = peer.receive();
        while (next instanceof ClientMessage.Ping p) { // a slow machine may ping again first
          peer.send(new ServerMessage.Pong(p.token()));
          next = peer.receive();
        }
        ClientMessage.Say said = assertInstanceOf(ClientMessage.Say.class, next);
        assertEquals("still here", said.text());
        client.endInput();
        // the PING confirming the line, then the goodbye's: each answered with a wrong token
        // first, which confirms nothing, so BYE comes only after the right one
        ClientMessage bye = peer.expect(ClientMessage.Ping.class);
        while (bye instanceof ClientMessage.Ping last) {
          peer.send(new ServerMessage.Pong(last.token() + 1000));
          peer.send(new ServerMessage.Pong(last.token()));
          bye = peer.receive();
        }
        assertEquals(new ClientMessage.Bye(), bye);
      }
      assertEquals(ExitCode.OK, client.exitCode());
    }
  }

  @Test
  void unknownCommandsAndInvalidTextAreExplainedLocallyAndNeverSent() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server, "--name", "alice");
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("");
        client.type("/x something").type("bad \u001B[2J line").type("a".repeat(4097))
            .type("/msg").type("/msg b@d hi").type("   ").type("//slash").type("ok");
        peer.expectSay("/slash");
        peer.expectSay("ok");
        client.endInput();
        peer.answerGoodbye();
      }
      // the good lines were delivered, but a script is told that some were not: exit 5
      assertEquals(ExitCode.LINE_FAILED, client.exitCode());
      String err = client.err();
      assertTrue(err.contains("! unknown command /x; /help lists the commands (line 1: /x "
          + "something)"), err);
      assertTrue(err.contains("! not sent: the line holds the control or format character \\x1B"),
          err);
      assertTrue(err.contains("(line 2: bad \\x1B[2J line)"), err);
      assertTrue(err.contains("! not sent: a line holds at most 4096 bytes of UTF-8 (line 3: aaa"),
          err);
      assertTrue(err.contains("! usage: /msg NAME TEXT (line 4: /msg)"), err);
      assertTrue(err.contains("! not sent: b@d is not a valid name"), err);
      assertTrue(err.contains("(line 5: /msg b@d hi)"), err);
      assertTrue(client.outLines().stream().noneMatch(l -> l.startsWith("!")), "no ! on stdout");
    }
  }

  @Test
  void aLineTheServerRefusesMakesThePipedRunExitFiveNamingThatLine() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server, "--name", "alice");
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("");
        client.type("hello").type("/msg dave hi").type("/who").type("bye");
        peer.expectSay("hello");
        // a DM is sealed to dave's end-to-end key: the server has no dave to ask for
        peer.expectLine(ClientMessage.E2eKeysGet.class, new ClientMessage.E2eKeysGet("dave"));
        // answered in order, as a server does: echo, ERROR, ROSTER, echo (with others between)
        peer.send(FakeServer.chat(T1201, "alice", "hello"),
            FakeServer.chat(T1201, "bob", "hi alice"),
            new ServerMessage.Error(ErrorCode.NO_SUCH_USER, "no such user: dave"));
        assertEquals(new ClientMessage.Who(FakeServer.GENERAL), peer.receiveLine());
        peer.expectSay("bye");
        peer.send(FakeServer.roster("alice", "bob"),
            FakeServer.chat(T1201, "alice", "bye"));
        client.endInput();
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.LINE_FAILED, client.exitCode(), client.err());
      assertTrue(client.err().contains("! no such user: dave (line 2: /msg dave hi)"),
          client.err());
      assertTrue(client.outLines().contains("12:01 <alice> bye"), client.out());
      assertTrue(client.outLines().stream().noneMatch(l -> l.startsWith("!")), client.out());
    }
  }

  @Test
  void connectionRefusedSaysToCheckTheServerAndTheOptions() throws Exception {
    try (ClosedPort closed = new ClosedPort()) {
      int port = closed.port();
      ClientRun client = ClientRun.start("--host", "127.0.0.1", "--port", String.valueOf(port),
          "--name", "alice", "--known-servers", home.resolve("k").toString());
      assertEquals(ExitCode.CONNECTION, client.exitCode());
      assertTrue(client.err().contains("is the server running? check --host/--port"),
          client.err());
    }
  }

  @Test
  void connectionRefusedExitsOne() throws Exception {
    try (ClosedPort closed = new ClosedPort()) {
      int port = closed.port();
      ClientRun client = ClientRun.start("--host", "127.0.0.1", "--port", String.valueOf(port),
          "--name", "alice", "--known-servers", home.resolve("k").toString(),
          "--identity", home.resolve("identity.pem").toString());
      assertEquals(ExitCode.CONNECTION, client.exitCode());
      assertTrue(client.err().contains("! cannot connect to 127.0.0.1:" + port), client.err());
    }
  }

  @Test
  void anEmptyHostIsAUsageErrorThatSaysWhatToGive() throws Exception {
    ClientRun client = ClientRun.start("--host", " ", "--name", "alice");
    assertEquals(ExitCode.USAGE, client.exitCode());
    assertTrue(client.err().contains("--host must not be empty"), client.err());
  }

  @Test
  void missingNameWithoutATerminalIsAUsageError() throws Exception {
    ClientRun client = ClientRun.start("--host", "127.0.0.1");
    assertEquals(ExitCode.USAGE, client.exitCode());
    assertTrue(client.err().contains("--name is required when input is not a terminal"),
        client.err());
  }

  @Test
  void helpListsTheOptionsAndTheExitCodes() throws Exception {
    ClientRun client = ClientRun.start("--help");
    assertEquals(ExitCode.OK, client.exitCode());
    String help = client.out();
    for (String option : List.of("--host", "--port", "--name", "--known-servers", "--accept-new",
        "--fingerprint", "--no-color", "--help", "--version", "--discover ",
        "--discovery-address=ADDR", "Discovery replies are signed")) {
      assertTrue(help.contains(option), option);
    }
    for (String code : List.of("0   you quit", "1   the connection",
        "no server answered discovery", "2   usage", "several servers answered discovery",
        "3   the server is not trusted", "4   could not join", "5   input was read to its end",
        "--forget=HOST[:PORT]", "--replace-pin")) {
      assertTrue(help.contains(code), code);
    }
  }
}
