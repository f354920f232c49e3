package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.e2e.DmOutcome;
import dev.lanchat.common.e2e.E2eKey;
import dev.lanchat.common.e2e.E2eRoom;
import dev.lanchat.common.e2e.InstallOutcome;
import dev.lanchat.common.e2e.RoomMessage;
import dev.lanchat.common.e2e.RoomOutcome;
import dev.lanchat.common.e2e.SealedDm;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.DmStatus;
import dev.lanchat.common.message.E2eKeyEntry;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.RoomSummary;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.server.store.Retention;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's side of the end-to-end layer (protocol "End-to-end layer"), one rule per test,
 * against a real server on loopback, with keys, sealed DMs and room messages made by
 * chat-common's end-to-end classes.
 */
@Timeout(60)
class E2eServerTest {
  private static final long DAY = 86_400_000L;

  private ChatServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    server = TestServers.start();
    port = server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TestClient login(String name, E2eParty party) throws Exception {
    return TestClient.login(port, name, party.identity());
  }

  /** Logs in and publishes the party's key; the PONG after it says it was taken silently. */
  private TestClient withKey(int port, String name, E2eParty party) throws Exception {
    TestClient client = TestClient.login(port, name, party.identity());
    client.send(new ClientMessage.E2eKey(party.key()));
    client.sync();
    assertNoErrors(client);
    return client;
  }

  private TestClient withKey(String name, E2eParty party) throws Exception {
    return withKey(port, name, party);
  }

  private static void assertNoErrors(TestClient client) {
    assertTrue(client.log().stream().noneMatch(m -> m instanceof ServerMessage.Error),
        () -> "no ERROR expected: " + client.log());
  }

  private static ServerMessage.E2eKeys keysOf(TestClient client, String target)
      throws Exception {
    client.send(new ClientMessage.E2eKeysGet(target));
    return client.await(ServerMessage.E2eKeys.class);
  }

  private static ClientMessage.Enter endToEnd(String room) {
    return new ClientMessage.Enter(room, 0, true);
  }

  private static String text(byte[] utf8) {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  @Test
  void anE2eKeyIsKeptWithoutAnAnswerAndHandedOutByNameEvenWhenItsOwnerIsGone()
      throws Exception {
    E2eParty a = new E2eParty();
    TestClient alice = withKey("alice", a);
    TestClient bob = login("bob", new E2eParty());
    ServerMessage.E2eKeys found = keysOf(bob, "ALICE");
    assertEquals("ALICE", found.target());
    assertFalse(found.more());
    assertEquals(List.of(new E2eKeyEntry("alice", a.key())), found.entries());
    assertEquals(List.of(), keysOf(alice, "bob").entries(), "bob published no key: count 0");
    alice.send(new ClientMessage.E2eKeysGet("nobody"));
    alice.awaitError(ErrorCode.NO_SUCH_USER);
    alice.send(new ClientMessage.E2eKeysGet("not a name"));
    alice.awaitError(ErrorCode.NAME_INVALID);
    alice.send(new ClientMessage.Bye(""));
    alice.awaitClosed();
    assertEquals(List.of(new E2eKeyEntry("alice", a.key())), keysOf(bob, "alice").entries(),
        "a bound name's key is handed out while its owner is away");
    bob.close();
  }

  @Test
  void anE2eKeyThatIsNotOwnBadlySignedExpiredOrOlderIsRefusedWithE2eKeyInvalid()
      throws Exception {
    E2eParty a = new E2eParty();
    try (TestClient alice = login("alice", a)) {
      List<E2eKey> refused = new ArrayList<>();
      refused.add(new E2eParty().key()); // someone else's
      E2eKey own = a.key();
      byte[] sig = own.signature().toByteArray();
      sig[0] ^= 1;
      refused.add(new E2eKey(own.owner(), own.key(), own.notAfter(), own.serial(),
          ByteString.copyOf(sig)));
      long now = System.currentTimeMillis();
      refused.add(E2eKey.sign(a.identity(), x25519(1), now - DAY, 5)); // expired
      for (E2eKey key : refused) {
        alice.send(new ClientMessage.E2eKey(key));
        alice.awaitError(ErrorCode.E2E_KEY_INVALID);
      }
      E2eKey two = E2eKey.sign(a.identity(), x25519(2), now + DAY, 2);
      alice.send(new ClientMessage.E2eKey(two));
      alice.send(new ClientMessage.E2eKey(E2eKey.sign(a.identity(), x25519(3), now + DAY, 1)));
      assertTrue(alice.awaitError(ErrorCode.E2E_KEY_INVALID).text().contains("below"));
      alice.send(new ClientMessage.E2eKey(E2eKey.sign(a.identity(), x25519(4), now + DAY, 2)));
      alice.awaitError(ErrorCode.E2E_KEY_INVALID);
      alice.send(new ClientMessage.E2eKey(two));
      alice.sync();
      assertEquals(5, alice.log().stream().filter(m -> m instanceof ServerMessage.Error).count(),
          "the very key again is no error");
      assertEquals(List.of(new E2eKeyEntry("alice", two)), keysOf(alice, "alice").entries());
    }
  }

  private static byte[] x25519(int fill) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) fill);
    return key;
  }

  @Test
  void enterWithTheFlagMakesAnEndToEndRoomThatEnteredAndRoomListCarry() throws Exception {
    try (TestClient alice = withKey("alice", new E2eParty());
        TestClient bob = withKey("bob", new E2eParty())) {
      assertTrue(alice.enter(endToEnd("#Ops")).endToEnd());
      assertTrue(bob.enter(new ClientMessage.Enter("#ops", 0, false)).endToEnd(),
          "an end-to-end room is entered without the flag too");
      assertFalse(alice.enter("#plain").endToEnd());
      alice.send(new ClientMessage.Rooms());
      List<RoomSummary> rooms = alice.await(ServerMessage.RoomList.class).rooms();
      assertEquals(List.of(new RoomSummary("#Ops", 2, "", true),
          new RoomSummary("#plain", 1, "", false)), rooms);
    }
  }

  @Test
  void theFlagOnGeneralOrOnAPlainRoomIsE2eMismatchAndAnEndToEndRoomNeedsAKey()
      throws Exception {
    try (TestClient alice = withKey("alice", new E2eParty());
        TestClient carol = login("carol", new E2eParty());
        TestClient bob = login("bob", new E2eParty())) {
      alice.send(endToEnd("#General"));
      alice.awaitError(ErrorCode.E2E_MISMATCH);
      carol.enter("#dev");
      alice.send(endToEnd("#dev"));
      alice.awaitError(ErrorCode.E2E_MISMATCH);
      carol.send(new ClientMessage.Part("#dev", ""));
      carol.sync();
      alice.send(endToEnd("#DEV"));
      assertTrue(alice.awaitError(ErrorCode.E2E_MISMATCH).text().contains("#dev"),
          "an empty room the store keeps stays plain");
      bob.send(endToEnd("#secret"));
      assertTrue(bob.awaitError(ErrorCode.E2E_KEY_INVALID).text().contains("publish"));
      alice.enter(endToEnd("#ops"));
      bob.send(new ClientMessage.Enter("#ops", 0, false));
      bob.awaitError(ErrorCode.E2E_KEY_INVALID);
      assertFalse(carol.enter("#secret").endToEnd(), "a refused ENTER made no room");
    }
  }

  @Test
  void sayAndMeInAnEndToEndRoomAndE2eSayInAPlainRoomAreE2eMismatch() throws Exception {
    E2eParty a = new E2eParty();
    try (TestClient alice = withKey("alice", a)) {
      alice.enter(endToEnd("#ops"));
      alice.enter("#general");
      alice.send(new ClientMessage.Say(alice.nextId(), "#ops", "plain text"));
      alice.awaitError(ErrorCode.E2E_MISMATCH);
      alice.send(new ClientMessage.Me(alice.nextId(), "#ops", "waves"));
      alice.awaitError(ErrorCode.E2E_MISMATCH);
      E2eRoom room = a.room("#ops");
      room.setMembers(List.of(), System.currentTimeMillis());
      RoomMessage sealed = room.seal("x".getBytes(StandardCharsets.UTF_8));
      alice.send(new ClientMessage.E2eSay(alice.nextId(), "#general", sealed));
      alice.awaitError(ErrorCode.E2E_MISMATCH);
      alice.send(new ClientMessage.E2eSay(alice.nextId(), "#elsewhere", sealed));
      alice.awaitError(ErrorCode.NOT_IN_ROOM);
      alice.send(new ClientMessage.E2eSay(alice.nextId(), "no room", sealed));
      alice.awaitError(ErrorCode.ROOM_INVALID);
      alice.send(new ClientMessage.E2eKeysGet("#elsewhere"));
      alice.awaitError(ErrorCode.NOT_IN_ROOM);
      alice.send(new ClientMessage.E2eKeysGet("#no room"));
      alice.awaitError(ErrorCode.ROOM_INVALID);
      alice.sync();
      assertTrue(alice.log().stream().noneMatch(m -> m instanceof ServerMessage.Chat
          || m instanceof ServerMessage.Action || m instanceof ServerMessage.E2eMessage));
    }
  }

  @Test
  void anE2eSayGoesToEveryMemberOnceAndHistoryAndCatchUpReplayItByteForByte()
      throws Exception {
    E2eParty a = new E2eParty();
    E2eParty b = new E2eParty();
    try (TestClient alice = withKey("alice", a); TestClient bob = withKey("bob", b)) {
      alice.enter(endToEnd("#ops"));
      bob.enter("#ops");
      assertEquals(List.of(new E2eKeyEntry("alice", a.key()), new E2eKeyEntry("bob", b.key())),
          keysOf(bob, "#OPS").entries(), "the members' keys in roster order");
      E2eRoom alices = a.room("#ops");
      E2eRoom bobs = b.room("#ops");
      long now = System.currentTimeMillis();
      bobs.setMembers(List.of(new E2eRoom.Member(a.id(), a.key())), now);
      for (E2eRoom.Delivery d : alices.setMembers(
          List.of(new E2eRoom.Member(b.id(), b.key())), now).deliveries()) {
        alice.send(new ClientMessage.SealedDm(alice.nextId(), "bob", d.dm()));
        ServerMessage.SealedDm got = bob.await(ServerMessage.SealedDm.class);
        DmOutcome.Opened opened =
            assertInstanceOf(DmOutcome.Opened.class, b.sealer().open(got.fromKey(), got.sealed()));
        assertInstanceOf(InstallOutcome.Installed.class, bobs.install(opened));
      }
      long lastBefore = bob.log().stream().filter(m -> m instanceof ServerMessage.Event)
          .mapToLong(m -> ((ServerMessage.Event) m).event().id()).max().orElseThrow();
      RoomMessage sealed = alices.seal("deploy at five".getBytes(StandardCharsets.UTF_8));
      long id = alice.nextId();
      alice.send(new ClientMessage.E2eSay(id, "#ops", sealed));
      ServerMessage.E2eMessage own = alice.await(ServerMessage.E2eMessage.class);
      ServerMessage.E2eMessage live = bob.await(ServerMessage.E2eMessage.class);
      assertEquals(own, live, "the sender gets the same event");
      assertEquals(sealed, live.message());
      assertEquals("alice", live.from());
      assertEquals(a.id(), live.event().sender());
      assertEquals("deploy at five",
          text(assertInstanceOf(RoomOutcome.Read.class, bobs.open(a.id(), live.message()))
              .text()));
      alice.send(new ClientMessage.E2eSay(id, "#ops", sealed));
      alice.sync();
      bob.sync();
      assertEquals(1, bob.log().stream().filter(m -> m instanceof ServerMessage.E2eMessage)
          .count(), "a repeated id is dropped");
      byte[] sent = MessageCodec.encode(live);
      try (TestClient carol = withKey("carol", new E2eParty())) {
        carol.enter("#ops");
        assertArrayEquals(sent, MessageCodec.encode(replayed(carol, live)),
            "the context a newcomer gets");
      }
      bob.send(new ClientMessage.Part("#ops", ""));
      bob.sync();
      bob.enter("#ops", lastBefore);
      assertEquals(2, bob.log().stream().filter(m -> m instanceof ServerMessage.E2eMessage e
          && e.event().id() == live.event().id()).count(), "live, then in the catch-up");
      assertArrayEquals(sent, MessageCodec.encode(replayed(bob, live)), "catch-up");
    }
  }

  /** The E2E_MESSAGE with {@code live}'s id in what {@code client} received, the last one. */
  private static ServerMessage.E2eMessage replayed(TestClient client,
      ServerMessage.E2eMessage live) {
    return client.log().stream().filter(m -> m instanceof ServerMessage.E2eMessage e
            && e.event().id() == live.event().id()).map(ServerMessage.E2eMessage.class::cast)
        .reduce((first, second) -> second).orElseThrow();
  }

  @Test
  void theEndToEndFlagAndThePublishedKeysSurviveARestart() throws Exception {
    ServerConfig config = TestServers.config();
    E2eParty a = new E2eParty();
    try (ChatServer first = TestServers.start(config)) {
      try (TestClient alice = withKey(first.port(), "alice", a)) {
        alice.enter(endToEnd("#Ops"));
        alice.send(new ClientMessage.Bye(""));
        alice.awaitClosed();
      }
    }
    try (ChatServer second = TestServers.start(config);
        TestClient alice = TestClient.login(second.port(), "alice", a.identity());
        TestClient bob = TestClient.login(second.port(), "bob")) {
      assertEquals(List.of(new E2eKeyEntry("alice", a.key())), keysOf(bob, "alice").entries());
      ServerMessage.Entered entered = alice.enter("#ops");
      assertTrue(entered.endToEnd(), "the store remembers the room is end-to-end");
      assertEquals("#Ops", entered.room());
      bob.send(endToEnd("#general"));
      bob.awaitError(ErrorCode.E2E_MISMATCH);
    }
  }

  @Test
  void aSealedDmGoesLiveWithItsEchoAndWaitsForAnOfflineRecipientUntilItsNextWelcome()
      throws Exception {
    E2eParty a = new E2eParty();
    E2eParty b = new E2eParty();
    try (TestClient alice = withKey("alice", a)) {
      TestClient bob = withKey("bob", b);
      SealedDm psst = a.seal(b, "psst");
      long id = alice.nextId();
      alice.send(new ClientMessage.SealedDm(id, "BOB", psst));
      ServerMessage.SealedDm got = bob.await(ServerMessage.SealedDm.class);
      assertEquals(List.of("alice", "bob"), List.of(got.from(), got.to()));
      assertEquals(a.id(), got.fromKey());
      assertEquals(DmStatus.DELIVERED, got.status());
      assertEquals(psst, got.sealed());
      assertEquals(got, alice.await(ServerMessage.SealedDm.class), "the echo: same bytes");
      assertEquals("psst", text(assertInstanceOf(DmOutcome.Opened.class,
          b.sealer().open(got.fromKey(), got.sealed())).content()));
      alice.send(new ClientMessage.SealedDm(id, "bob", psst));
      alice.sync();
      bob.sync();
      assertEquals(1, bob.log().stream().filter(m -> m instanceof ServerMessage.SealedDm)
          .count(), "a repeated id is dropped");
      bob.send(new ClientMessage.Bye(""));
      bob.awaitClosed();

      SealedDm later = a.seal(b, "while you were out");
      long laterId = alice.nextId();
      alice.send(new ClientMessage.SealedDm(laterId, "bob", later));
      ServerMessage.SealedDm stored = alice.await(ServerMessage.SealedDm.class);
      assertEquals(DmStatus.STORED, stored.status());
      assertEquals(later, stored.sealed());
      alice.send(new ClientMessage.SealedDm(laterId, "bob", later));
      alice.send(new ClientMessage.SealedDm(alice.nextId(), "nobody", later));
      alice.awaitError(ErrorCode.NO_SUCH_USER);
      try (TestClient back = TestClient.login(port, "bob", b.identity())) {
        ServerMessage.SealedDm kept = back.await(ServerMessage.SealedDm.class);
        assertEquals(DmStatus.FROM_STORAGE, kept.status());
        assertEquals(stored.time(), kept.time());
        assertEquals(List.of("alice", "bob"), List.of(kept.from(), kept.to()));
        assertEquals(later, kept.sealed());
        assertInstanceOf(ServerMessage.Welcome.class, back.log().getFirst(), "after WELCOME");
        assertEquals("while you were out", text(assertInstanceOf(DmOutcome.Opened.class,
            b.sealer().open(kept.fromKey(), kept.sealed())).content()));
        back.sync();
        assertEquals(1, back.log().stream().filter(m -> m instanceof ServerMessage.SealedDm)
            .count(), "the repeat was not kept");
      }
    }
  }

  @Test
  void withHistoryZeroASealedDmForSomeoneAwayIsRefusedBecauseNothingIsKept() throws Exception {
    try (ChatServer bare = TestServers.start(TestServers.config().toBuilder()
        .retention(new Retention(0, Optional.empty())).build())) {
      E2eParty a = new E2eParty();
      E2eParty b = new E2eParty();
      TestClient bob = withKey(bare.port(), "bob", b);
      bob.send(new ClientMessage.Bye(""));
      bob.awaitClosed();
      try (TestClient alice = withKey(bare.port(), "alice", a)) {
        alice.send(new ClientMessage.SealedDm(alice.nextId(), "bob", a.seal(b, "secret")));
        assertTrue(alice.awaitError(ErrorCode.OFFLINE_FULL).text().contains("keeps no"));
      }
    }
  }

  @Test
  void e2eKeysArePagedSoThatEachRecordFitsAndOnlyTheLastSaysNoMore() {
    E2eKey key = new E2eParty().key();
    List<E2eKeyEntry> entries = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      entries.add(new E2eKeyEntry(String.format("member-%017d", i), key));
    }
    List<ServerMessage.E2eKeys> pages = E2eKeyRequests.pages("#big", entries);
    assertTrue(pages.size() > 1);
    List<E2eKeyEntry> all = new ArrayList<>();
    for (int i = 0; i < pages.size(); i++) {
      ServerMessage.E2eKeys page = pages.get(i);
      assertTrue(MessageCodec.encode(page).length <= CipherState.MAX_PLAINTEXT);
      assertEquals(i < pages.size() - 1, page.more());
      all.addAll(page.entries());
    }
    assertEquals(entries, all);
    assertEquals(List.of(new ServerMessage.E2eKeys("#none", false, List.of())),
        E2eKeyRequests.pages("#none", List.of()), "always one record, count 0 allowed");
  }
}
