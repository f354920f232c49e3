package dev.lanchat.client;

import static dev.lanchat.client.FakeServer.T1201;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.RoomSummary;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The room commands as a script uses them, against a scripted server. */
class PipedRoomsTest {
  @TempDir
  Path home;

  private ClientRun start(FakeServer server, String... more) throws IOException {
    List<String> args = new java.util.ArrayList<>(List.of("--host", "127.0.0.1",
        "--port", String.valueOf(server.port()), "--accept-new",
        "--known-servers", home.resolve("known_servers").toString(),
        "--identity", home.resolve("identity.pem").toString(), "--name", "alice"));
    args.addAll(List.of(more));
    return ClientRun.start(args.toArray(String[]::new));
  }

  /** Answers an ENTER of {@code room} with {@code history} old lines of bob's. */
  private static void entered(FakeServer.Peer peer, String room, String... history)
      throws IOException {
    peer.send(new ServerMessage.Entered(room, "be brief", 2, history.length, 0),
        new ServerMessage.Roster(room, false, List.of(new RosterEntry(FakeServer.member("bob")),
            new RosterEntry(new Member("alice", peer.clientKey()), ""))));
    for (String line : history) {
      peer.send(new ServerMessage.Chat(FakeServer.header(room, T1201, "bob"), "bob", line));
    }
    // the room's next event id: a client shows each event id of a room once
    peer.send(new ServerMessage.Joined(new EventHeader(room, FakeServer.nextEventId(),
        ByteString.copyOf(new byte[32]), T1201, peer.clientKey()),
        new Member("alice", peer.clientKey())));
  }

  private static ServerMessage.Chat chat(String room, String from, String text) {
    return new ServerMessage.Chat(FakeServer.header(room, T1201, from), from, text);
  }

  @Test
  void roomOptionStartsInThatRoomAndLinesGoThere() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server, "--room", "dev");
      try (FakeServer.Peer peer = server.accept()) {
        peer.expect(ClientMessage.Join.class);
        peer.send(new ServerMessage.Welcome("alice", "fake", "", 0, 0, 20));
        assertEquals(new ClientMessage.Enter("#dev", 0), peer.receive());
        entered(peer, "#dev", "an old line");
        client.type("hello");
        ClientMessage.Say say = peer.expectLine(ClientMessage.Say.class);
        assertEquals(List.of("#dev", "hello"), List.of(say.room(), say.text()));
        assertTrue(say.id() != 0, "0 is not a message id");
        peer.send(chat("#dev", "alice", "hello"));
        client.endInput();
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, client.exitCode(), client.err());
      assertEquals(List.of("* #dev: 2 members; topic: be brief", "* here: bob, alice",
          "[history] 12:01 <bob> an old line", "12:01 * you entered #dev",
          "12:01 <alice> hello"), client.outLines().subList(1, client.outLines().size()));
    }
  }

  @Test
  void joinMeTopicNickAwayRoomsAndPartEachSendTheirMessage() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server);
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("", "bob");
        client.type("/join #dev");
        assertEquals(new ClientMessage.Enter("#dev", 0), peer.receive());
        entered(peer, "#dev");
        client.type("/me waves").type("/topic ship it").type("/nick al").type("/away lunch")
            .type("/back").type("/rooms").type("/switch #general").type("/part #dev bye")
            .type("/who");
        ClientMessage.Me me = peer.expectLine(ClientMessage.Me.class);
        assertEquals(List.of("#dev", "waves"), List.of(me.room(), me.text()));
        assertEquals(new ClientMessage.Topic("#dev", "ship it"), peer.receiveLine());
        assertEquals(new ClientMessage.Nick("al"), peer.receiveLine());
        assertEquals(new ClientMessage.Away("lunch"), peer.receiveLine());
        assertEquals(new ClientMessage.Away(""), peer.receiveLine());
        assertEquals(new ClientMessage.Rooms(), peer.receiveLine());
        assertEquals(new ClientMessage.Part("#dev", "bye"), peer.receiveLine());
        assertEquals(new ClientMessage.Who("#general"), peer.receiveLine(), "/switch is local");
        EventHeader dev = FakeServer.header("#dev", T1201, "alice");
        peer.send(new ServerMessage.Action(dev, "alice", "waves"),
            new ServerMessage.Topic(FakeServer.header("#dev", T1201, "alice"), "alice", "ship it"),
            new ServerMessage.Renamed(FakeServer.header("#dev", T1201, "alice"), "alice", "al"),
            new ServerMessage.Renamed(FakeServer.header("#general", T1201, "alice"), "alice",
                "al"),
            new ServerMessage.RoomList(List.of(new RoomSummary("#dev", 2, "ship it"),
                new RoomSummary("#general", 2, ""))),
            new ServerMessage.Left(FakeServer.header("#dev", T1201, "al"), "al", "parted", "bye"),
            FakeServer.roster("bob", "al"));
        client.endInput();
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, client.exitCode(), client.err());
      List<String> out = client.outLines();
      // every line was read before these events came, so #general was current by then
      for (String expected : List.of("12:01 #dev * alice waves",
          "12:01 #dev * alice set the topic: ship it", "12:01 #dev * you are now known as al", "* you are marked away: lunch", "* you are back",
          "* 2 rooms:", "*   #dev: 2 members; topic: ship it", "* now in #general",
          "12:01 #dev * you left #dev", "* here: bob, al")) {
        assertTrue(out.contains(expected), expected + " in\n" + client.out());
      }
    }
  }

  @Test
  void anErrorNamesTheLineItAnswersEvenAfterAnEnterWithHistory() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server);
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("");
        client.type("/join #dev").type("mine").type("/topic x");
        assertEquals(new ClientMessage.Enter("#dev", 0), peer.receive());
        // the history holds an old "mine" of ours: it is not the answer to the new one
        peer.send(new ServerMessage.Entered("#dev", "", 1, 1, 0),
            new ServerMessage.Roster("#dev", false, List.of()),
            new ServerMessage.Chat(FakeServer.header("#dev", T1201, "alice"), "alice", "mine"));
        peer.expectLine(ClientMessage.Say.class);
        peer.expectLine(ClientMessage.Topic.class);
        peer.send(new ServerMessage.Error(ErrorCode.STORE_FAILED, "try again"),
            new ServerMessage.Topic(FakeServer.header("#dev", T1201, "alice"), "alice", "x"));
        client.endInput();
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.LINE_FAILED, client.exitCode());
      assertTrue(client.err().contains("(line 2: mine)"), client.err());
    }
  }

  @Test
  void localMistakesAreNamedAndFailTheRun() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server);
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("");
        client.type("/switch #nowhere").type("/part #nowhere").type("/ignore alice")
            .type("/join #bad.name");
        client.endInput();
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.LINE_FAILED, client.exitCode());
      String err = client.err();
      assertTrue(err.contains("! you are not in #nowhere; /join #nowhere (line 1"), err);
      assertTrue(err.contains("! you are not in #nowhere (line 2"), err);
      assertTrue(err.contains("! you cannot ignore yourself (line 3"), err);
      assertTrue(err.contains("is not a valid room name") && err.contains("(line 4"), err);
    }
  }

  @Test
  void ignoredLinesAreHiddenAndTheListIsKeptForTheNextRun() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun first = start(server);
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("", "bob");
        first.type("/ignore bob").type("/ignore");
        first.endInput();
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, first.exitCode(), first.err());
      assertTrue(first.outLines().contains("* ignored on this server: bob"), first.out());

      ClientRun second = start(server);
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("", "bob", "carol");
        peer.send(FakeServer.chat(T1201, "bob", "spam"), FakeServer.chat(T1201, "carol", "hi"));
        second.awaitOut("<carol> hi"); // shown after bob's line was (or was not)
        second.type("/unignore bob");
        second.endInput();
        ClientMessage.Ping ping = peer.expect(ClientMessage.Ping.class);
        peer.send(FakeServer.chat(T1201, "bob", "heard again"),
            new ServerMessage.Pong(ping.token()));
        assertInstanceOf(ClientMessage.Bye.class, peer.receive());
      }
      assertEquals(ExitCode.OK, second.exitCode(), second.err());
      List<String> out = second.outLines();
      assertTrue(out.contains("12:01 <carol> hi") && !second.out().contains("spam"), second.out());
      assertTrue(out.contains("12:01 <bob> heard again"), second.out());
    }
  }

  @Test
  void aMessageOfSeveralLinesIsPrintedWithContinuationMarkers() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server);
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("", "bob");
        peer.send(FakeServer.chat(T1201, "bob", "Exception in main\n    at Foo.bar\n    at Foo"));
        client.endInput();
        peer.answerGoodbye();
      }
      List<String> out = client.outLines();
      int at = out.indexOf("12:01 <bob> Exception in main");
      assertEquals(List.of("  |     at Foo.bar", "  |     at Foo"), out.subList(at + 1, at + 3),
          client.out());
    }
  }
}
