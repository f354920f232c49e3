package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.DmStatus;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.RoomSummary;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.server.store.Retention;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rooms, names and DMs of the v3 wire, one rule per test, against a real server on loopback. */
@Timeout(60)
class RoomsServerTest {
  private ChatServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    server = TestServers.start(TestServers.config().toBuilder().maxRooms(5)
        .maxRoomsPerClient(3).build());
    port = server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String roomOf(ServerMessage m) {
    return switch (m) {
      case ServerMessage.Event e -> e.event().room();
      case ServerMessage.Entered e -> e.room();
      case ServerMessage.Roster r -> r.room();
      default -> "";
    };
  }

  @Test
  void aClientInManyRoomsGetsOnlyTheirEventsAndAClientInNoneGetsNone() throws Exception {
    try (TestClient many = TestClient.login(port, "many");
        TestClient ann = TestClient.login(port, "ann");
        TestClient none = TestClient.login(port, "none")) {
      many.enter("#a");
      many.enter("#b");
      ann.enter("#a");
      many.say("#b", "in b");
      ann.say("#a", "in a");
      many.send(new ClientMessage.Topic("#b", "b's topic"));
      many.send(new ClientMessage.Part("#b", "bye b"));
      many.sync();
      ann.sync();
      none.sync();
      assertTrue(none.log().stream().noneMatch(m -> !roomOf(m).isEmpty()
          || m instanceof ServerMessage.MembersChanged), "in no room: " + none.log());
      assertTrue(ann.log().stream().allMatch(m -> roomOf(m).isEmpty() || roomOf(m).equals("#a")),
          "only #a: " + ann.log());
      assertEquals(List.of("ann:in a"), texts(ann));
      assertEquals(List.of("ann:in a", "many:in b"), texts(many).stream().sorted().toList(),
          "both rooms (two senders: no order between rooms)");
    }
  }

  private static List<String> texts(TestClient c) {
    return c.log().stream().filter(m -> m instanceof ServerMessage.Chat)
        .map(m -> ((ServerMessage.Chat) m).from() + ":" + ((ServerMessage.Chat) m).text())
        .toList();
  }

  @Test
  void roomRequestsAreCheckedWithTheirOwnErrors() throws Exception {
    try (TestClient alice = TestClient.login(port, "alice")) {
      alice.send(new ClientMessage.Enter("general", 0));
      alice.awaitError(ErrorCode.ROOM_INVALID);
      alice.send(new ClientMessage.Enter("#" + "x".repeat(33), 0));
      alice.awaitError(ErrorCode.ROOM_INVALID);
      alice.enter("#General");
      alice.send(new ClientMessage.Enter("#general", 0));
      alice.awaitError(ErrorCode.ALREADY_IN_ROOM);
      for (ClientMessage outside : List.of(new ClientMessage.Say(1, "#dev", "hi"),
          new ClientMessage.Me(2, "#dev", "waves"), new ClientMessage.Who("#dev"),
          new ClientMessage.Part("#dev", ""), new ClientMessage.Topic("#dev", "t"))) {
        alice.send(outside);
        alice.awaitError(ErrorCode.NOT_IN_ROOM);
      }
      for (ClientMessage badName : List.of(new ClientMessage.Say(3, "#a b", "hi"),
          new ClientMessage.Me(4, "r1", "waves"), new ClientMessage.Who("dev"),
          new ClientMessage.Part("#", ""), new ClientMessage.Topic("#a b", "t"))) {
        alice.send(badName);
        alice.awaitError(ErrorCode.ROOM_INVALID);
      }
      alice.enter("#b");
      alice.enter("#c");
      alice.send(new ClientMessage.Enter("#d", 0));
      assertTrue(alice.awaitError(ErrorCode.TOO_MANY_ROOMS).text()
          .contains("--max-rooms-per-client"));
      alice.send(new ClientMessage.Topic("#b", "two\nlines"));
      alice.awaitError(ErrorCode.TEXT_INVALID);
      alice.send(new ClientMessage.Topic("#b", "x".repeat(201)));
      alice.awaitError(ErrorCode.TEXT_TOO_LONG);
      alice.send(new ClientMessage.Away("x".repeat(201)));
      alice.awaitError(ErrorCode.TEXT_TOO_LONG);
    }
  }

  @Test
  void theServerWideRoomLimitIsSaidAsSuch() throws Exception {
    try (TestClient a = TestClient.login(port, "a"); TestClient b = TestClient.login(port, "b")) {
      for (String room : List.of("#r1", "#r2", "#r3")) {
        a.enter(room);
      }
      b.enter("#r4");
      b.enter("#r5");
      b.send(new ClientMessage.Enter("#r6", 0));
      assertTrue(b.awaitError(ErrorCode.TOO_MANY_ROOMS).text().contains("--max-rooms)"));
      b.enter("#R1"); // an existing room takes no new place
    }
  }

  @Test
  void enteredCarriesTheCreatorsSpellingTheTopicAndTheCount() throws Exception {
    try (TestClient alice = TestClient.login(port, "alice");
        TestClient bob = TestClient.login(port, "bob")) {
      alice.enter("#Dev");
      alice.send(new ClientMessage.Topic("#dev", "release on friday"));
      ServerMessage.Topic topic = alice.await(ServerMessage.Topic.class);
      assertEquals("alice", topic.by());
      assertEquals("#Dev", topic.event().room());
      ServerMessage.Entered entered = bob.enter("#DEV");
      assertEquals("#Dev", entered.room());
      assertEquals("release on friday", entered.topic());
      assertEquals(2, entered.members());
      assertEquals(2, entered.history(), "alice's JOINED and the TOPIC");
      bob.send(new ClientMessage.Rooms());
      assertEquals(List.of(new RoomSummary("#Dev", 2, "release on friday")),
          bob.await(ServerMessage.RoomList.class).rooms());
    }
  }

  @Test
  void partAndDisconnectLeaveWithTheirReasonsOneLeftPerRoom() throws Exception {
    try (TestClient alice = TestClient.login(port, "alice")) {
      alice.enter("#a");
      alice.enter("#b");
      TestClient bob = TestClient.login(port, "bob");
      bob.enter("#a");
      bob.enter("#b");
      bob.send(new ClientMessage.Part("#a", "see you"));
      ServerMessage.Left parted = alice.awaitLeft("bob");
      assertEquals("#a", parted.event().room());
      assertEquals(List.of("parted", "see you"), List.of(parted.reason(), parted.message()));
      bob.close();
      ServerMessage.Left lost = alice.awaitLeft("bob");
      assertEquals("#b", lost.event().room());
      assertEquals("connection lost", lost.reason());
      alice.sync();
      assertEquals(2, alice.log().stream()
          .filter(m -> m instanceof ServerMessage.Left l && l.name().equals("bob")).count());
    }
  }

  @Test
  void meIsAnActionAndEveryEventHasTheNextId() throws Exception {
    try (TestClient alice = TestClient.login(port, "alice")) {
      alice.enter("#general");
      alice.send(new ClientMessage.Me(alice.nextId(), "#general", "waves"));
      ServerMessage.Action action = alice.await(ServerMessage.Action.class);
      assertEquals(List.of("alice", "waves"), List.of(action.from(), action.text()));
      assertEquals(2, action.event().id(), "after alice's JOINED");
      alice.say("#general", "two\nlines are one message");
      assertEquals(3, alice.await(ServerMessage.Chat.class).event().id());
    }
  }

  @Test
  void aResentMessageIdIsDroppedWithoutAnError() throws Exception {
    try (TestClient alice = TestClient.login(port, "alice");
        TestClient bob = TestClient.login(port, "bob")) {
      alice.enter("#general");
      bob.enter("#general");
      alice.send(new ClientMessage.Say(77, "#general", "once"));
      alice.send(new ClientMessage.Say(77, "#general", "once"));
      alice.send(new ClientMessage.Dm(78, "bob", "psst"));
      alice.send(new ClientMessage.Dm(78, "bob", "psst"));
      alice.sync();
      bob.sync();
      assertEquals(List.of("alice:once"), texts(bob));
      assertEquals(1, bob.log().stream().filter(m -> m instanceof ServerMessage.Dm).count());
      assertTrue(alice.log().stream().noneMatch(m -> m instanceof ServerMessage.Error));
    }
  }

  @Test
  void nickMovesTheBindingRenamesInEveryRoomAndFreesTheOldName() throws Exception {
    try (TestClient alice = TestClient.login(port, "alice");
        TestClient bob = TestClient.login(port, "bob")) {
      alice.enter("#a");
      alice.enter("#b");
      bob.enter("#a");
      alice.send(new ClientMessage.Nick("al"));
      for (String room : List.of("#a", "#b")) {
        ServerMessage.Renamed r = (ServerMessage.Renamed) alice.awaitMatching(
            m -> m instanceof ServerMessage.Renamed x && x.event().room().equals(room), room);
        assertEquals(List.of("alice", "al"), List.of(r.oldName(), r.newName()));
      }
      assertEquals("al", bob.await(ServerMessage.Renamed.class).newName());
      bob.sendDm("AL", "found you");
      assertEquals("al", alice.await(ServerMessage.Dm.class).to());
      try (TestClient other = TestClient.login(port, "alice")) {
        assertEquals("alice", other.name(), "the old name is free for another key");
      }
      try (TestClient thief = TestClient.connect(port)) {
        thief.send(new ClientMessage.Join("al"));
        thief.awaitError(ErrorCode.NAME_BOUND);
      }
      bob.send(new ClientMessage.Nick("A1"));
      bob.awaitError(ErrorCode.NAME_BOUND);
    }
  }

  @Test
  void awayShowsInTheRosterAndADmToAnAwayMemberTellsTheSender() throws Exception {
    try (TestClient alice = TestClient.login(port, "alice");
        TestClient bob = TestClient.login(port, "bob")) {
      alice.enter("#general");
      bob.enter("#general");
      bob.send(new ClientMessage.Away("at lunch"));
      bob.sync();
      alice.send(new ClientMessage.Who("#general"));
      assertEquals(List.of("", "at lunch"), alice.await(ServerMessage.Roster.class).entries()
          .stream().map(dev.lanchat.common.message.RosterEntry::away).toList());
      alice.sendDm("bob", "lunch?");
      ServerMessage.Dm echo = alice.await(ServerMessage.Dm.class);
      assertEquals(DmStatus.AWAY, echo.status());
      assertEquals("at lunch", echo.note());
      assertEquals(DmStatus.DELIVERED, bob.await(ServerMessage.Dm.class).status());
      bob.send(new ClientMessage.Away(""));
      bob.sync();
      alice.sendDm("bob", "back?");
      assertEquals(DmStatus.DELIVERED, alice.await(ServerMessage.Dm.class).status());
    }
  }

  @Test
  void aDmToABoundNameThatIsAwayIsKeptAndDeliveredOnceOnItsReturn() throws Exception {
    TestClient bob = TestClient.login(port, "bob");
    dev.lanchat.common.crypto.Identity bobsKey = bob.identity();
    bob.send(new ClientMessage.Bye(""));
    bob.awaitClosed();
    try (TestClient alice = TestClient.login(port, "alice")) {
      alice.sendDm("BOB", "while you were out");
      ServerMessage.Dm echo = alice.await(ServerMessage.Dm.class);
      assertEquals(DmStatus.STORED, echo.status());
      assertEquals("bob", echo.to());
      alice.sendDm("nobody", "hello?");
      alice.awaitError(ErrorCode.NO_SUCH_USER);
    }
    try (TestClient back = TestClient.login(port, "bob", bobsKey)) {
      ServerMessage.Dm kept = back.await(ServerMessage.Dm.class);
      assertEquals(DmStatus.FROM_STORAGE, kept.status());
      assertEquals(List.of("alice", "bob", "while you were out"),
          List.of(kept.from(), kept.to(), kept.text()));
      back.send(new ClientMessage.Bye(""));
      back.awaitClosed();
    }
    try (TestClient again = TestClient.login(port, "bob", bobsKey)) {
      again.sync();
      assertTrue(again.log().stream().noneMatch(m -> m instanceof ServerMessage.Dm),
          "delivered once, then gone from the store");
    }
  }

  @Test
  void aFullOfflineBoxIsRefusedWithOfflineFull() throws Exception {
    TestClient bob = TestClient.login(port, "bob");
    bob.close();
    try (TestClient alice = TestClient.login(port, "alice")) {
      for (int i = 0; i < 100; i++) {
        alice.sendDm("bob", "note " + i);
      }
      alice.sendDm("bob", "one too many");
      alice.awaitError(ErrorCode.OFFLINE_FULL);
      alice.sync();
      assertEquals(100, alice.log().stream().filter(m -> m instanceof ServerMessage.Dm d
          && d.status() == DmStatus.STORED).count());
    }
  }

  @Test
  void withHistoryZeroAnOfflineDmIsRefusedBecauseNothingIsKept() throws Exception {
    try (ChatServer bare = TestServers.start(TestServers.config().toBuilder()
        .retention(new Retention(0, Optional.empty())).build())) {
      TestClient bob = TestClient.login(bare.port(), "bob");
      bob.close();
      try (TestClient alice = TestClient.login(bare.port(), "alice")) {
        alice.sendDm("bob", "secret");
        assertTrue(alice.awaitError(ErrorCode.OFFLINE_FULL).text().contains("keeps no"));
      }
    }
  }

  @Test
  void aReturningClientGetsWhatItMissedAfterItsLastIdInOrder() throws Exception {
    try (TestClient alice = TestClient.login(port, "alice")) {
      alice.enter("#general");
      TestClient bob = TestClient.login(port, "bob");
      dev.lanchat.common.crypto.Identity bobsKey = bob.identity();
      bob.enter("#general");
      bob.say("#general", "before");
      long seen = bob.await(ServerMessage.Chat.class).event().id();
      bob.close();
      alice.awaitLeft("bob");
      for (int i = 0; i < 5; i++) {
        alice.say("#general", "missed " + i);
      }
      alice.sync();
      try (TestClient back = TestClient.login(port, "bob", bobsKey)) {
        ServerMessage.Entered entered = back.enter("#general", seen);
        assertEquals(6, entered.history(), "LEFT bob and five messages");
        assertEquals(0, entered.skipped());
        List<Long> ids = back.log().stream().filter(m -> m instanceof ServerMessage.Event)
            .map(m -> ((ServerMessage.Event) m).event().id()).toList();
        assertEquals(List.of(seen + 1, seen + 2, seen + 3, seen + 4, seen + 5, seen + 6,
            seen + 7), ids, "every event after its last one, then its own JOINED");
        assertFalse(texts(back).contains("alice:before"));
      }
    }
  }

  @Test
  void aSignedHeadIsRelayedToTheRoomsOtherMembersOnly() throws Exception {
    try (TestClient alice = TestClient.login(port, "alice");
        TestClient bob = TestClient.login(port, "bob");
        TestClient carol = TestClient.login(port, "carol")) {
      alice.enter("#general");
      bob.enter("#general");
      carol.enter("#other");
      ServerMessage.Joined last = (ServerMessage.Joined) bob.log().stream()
          .filter(m -> m instanceof ServerMessage.Joined).reduce((a, b) -> b).orElseThrow();
      dev.lanchat.common.chain.SignedHead signed = dev.lanchat.common.chain.SignedHead.sign(
          alice.identity(), new dev.lanchat.common.chain.ChainHead("#general",
              last.event().id(), last.event().head()));
      alice.send(new ClientMessage.SignedHead(signed));
      assertEquals(signed, bob.await(ServerMessage.SignedHead.class).head());
      alice.send(new ClientMessage.SignedHead(dev.lanchat.common.chain.SignedHead.sign(
          alice.identity(), new dev.lanchat.common.chain.ChainHead("#other", 1,
              last.event().head()))));
      alice.awaitError(ErrorCode.NOT_IN_ROOM);
      alice.sync();
      carol.sync();
      assertTrue(alice.log().stream().noneMatch(m -> m instanceof ServerMessage.SignedHead));
      assertTrue(carol.log().stream().noneMatch(m -> m instanceof ServerMessage.SignedHead));
    }
  }
}
