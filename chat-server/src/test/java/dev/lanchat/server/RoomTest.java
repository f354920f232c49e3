package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The room in memory, with fake subscribers: order, names, slow members, and the lock. */
@Timeout(30)
class RoomTest {
  /** A subscriber that records what it is offered and can be told to refuse (a full backlog). */
  static final class FakeSubscriber implements Subscriber {
    final Room room;
    final List<ServerMessage> received = new CopyOnWriteArrayList<>();
    final List<byte[]> raw = new CopyOnWriteArrayList<>();
    final List<String> evictions = new CopyOnWriteArrayList<>();
    final List<Boolean> lockHeldWhenEvicted = new CopyOnWriteArrayList<>();
    final List<Boolean> lockHeldWhenOffered = new CopyOnWriteArrayList<>();
    volatile int capacity = Integer.MAX_VALUE;

    FakeSubscriber(Room room) {
      this.room = room;
    }

    @Override
    public boolean offer(byte[] encoded) {
      lockHeldWhenOffered.add(room.isLockedByCurrentThread());
      if (received.size() >= capacity) {
        return false;
      }
      try {
        received.add(MessageCodec.decodeServer(encoded));
        raw.add(encoded);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return true;
    }

    @Override
    public void evicted(String reason) {
      lockHeldWhenEvicted.add(room.isLockedByCurrentThread());
      evictions.add(reason);
    }

    <T extends ServerMessage> List<T> all(Class<T> type) {
      List<T> out = new ArrayList<>();
      for (ServerMessage m : received) {
        if (type.isInstance(m)) {
          out.add(type.cast(m));
        }
      }
      return out;
    }
  }

  private final NameRegistry names = new NameRegistry();
  private final Room room = new Room(new RoomInfo("room test", "hello", 10_000, 20), names);

  private Member join(Subscriber s, String name) {
    return entered(room, s, name);
  }

  /** Joins {@code s} to {@code in} as {@code name} and enters it, as our client does. */
  private static Member entered(Room in, Subscriber s, String name) {
    Member m = assertInstanceOf(JoinResult.Joined.class, in.join(s, name, keyOf(name))).member();
    assertTrue(in.enter(m), "entered " + name);
    return m;
  }

  /** A key per name, so members can be told apart by key too. */
  private static ByteString keyOf(String name) {
    byte[] key = new byte[32];
    byte[] raw = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    System.arraycopy(raw, 0, key, 0, Math.min(raw.length, key.length));
    return ByteString.copyOf(key);
  }

  @Test
  void joinSendsWelcomeAndEnterSendsEnteredTheRosterAndJoinedToEveryone() {
    FakeSubscriber a = new FakeSubscriber(room);
    FakeSubscriber b = new FakeSubscriber(room);
    join(a, "alice");
    join(b, "bob");
    ServerMessage.Welcome welcome = assertInstanceOf(ServerMessage.Welcome.class, b.received.get(0));
    assertEquals("hello", welcome.motd());
    assertEquals("room test", welcome.server());
    assertEquals(10_000, welcome.rate());
    assertEquals(20, welcome.burst());
    assertEquals(Room.ROOMS_PER_CLIENT, welcome.maxRooms());
    assertEquals(new ServerMessage.Entered(Room.NAME, "", 2, 0, 0), b.received.get(1));
    ServerMessage.Roster roster = assertInstanceOf(ServerMessage.Roster.class, b.received.get(2));
    assertEquals(List.of(new dev.lanchat.common.message.Member("alice", keyOf("alice")),
        new dev.lanchat.common.message.Member("bob", keyOf("bob"))), roster.members());
    assertFalse(roster.more());
    dev.lanchat.common.message.Member bob =
        new dev.lanchat.common.message.Member("bob", keyOf("bob"));
    assertEquals(bob, a.all(ServerMessage.Joined.class).get(1).member());
    // the entering member's first live event is its own JOINED, the same event the others get
    assertEquals(List.of(a.all(ServerMessage.Joined.class).get(1)),
        b.all(ServerMessage.Joined.class));
  }

  @Test
  void eventsCarryConsecutiveIdsAndTheRoomChainHeads() {
    FakeSubscriber a = new FakeSubscriber(room);
    FakeSubscriber b = new FakeSubscriber(room);
    Member alice = join(a, "alice");
    join(b, "bob");
    room.say(alice, "hi");
    dev.lanchat.common.chain.ChainHead head =
        dev.lanchat.common.chain.ChainHash.genesis(Room.NAME);
    long id = 0;
    for (ServerMessage m : a.received) {
      if (m instanceof ServerMessage.Event e) {
        head = dev.lanchat.common.chain.ChainHash.after(head, e.chainEvent());
        assertEquals(++id, e.event().id());
        assertEquals(head.head(), e.event().head(), "the head after event " + id);
      }
    }
    assertEquals(3, id, "alice's JOINED, bob's JOINED, the MESSAGE");
  }

  @Test
  void everyMemberSeesTheSameEventsInTheSameOrderFromManyThreads() throws Exception {
    int senders = 4;
    int each = 200;
    List<FakeSubscriber> subs = new ArrayList<>();
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      FakeSubscriber s = new FakeSubscriber(room);
      subs.add(s);
      members.add(join(s, "user" + i));
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      Member m = members.get(i);
      threads.add(Thread.ofVirtual().start(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int k = 0; k < each; k++) {
          room.say(m, m.name() + " " + k);
        }
      }));
    }
    start.countDown();
    for (Thread t : threads) {
      assertTrue(t.join(java.time.Duration.ofSeconds(20)));
    }
    List<String> first = texts(subs.get(0));
    assertEquals(senders * each, first.size());
    long lastTime = 0;
    for (ServerMessage.Chat c : subs.get(0).all(ServerMessage.Chat.class)) {
      assertTrue(c.time() >= lastTime, "time never goes back");
      lastTime = c.time();
    }
    for (FakeSubscriber s : subs) {
      assertEquals(first, texts(s), "one total order for every member");
    }
  }

  private static List<String> texts(FakeSubscriber s) {
    return s.all(ServerMessage.Chat.class).stream().map(c -> c.from() + ":" + c.text()).toList();
  }

  @Test
  void aNameThatLooksLikeAHeldOneIsTakenAndNamesTheHolder() {
    join(new FakeSubscriber(room), "alice");
    JoinResult r = room.join(new FakeSubscriber(room), "ALICE", keyOf("ALICE"));
    assertEquals("alice", assertInstanceOf(JoinResult.NameTaken.class, r).holder());
    assertEquals(List.of("alice"), room.roster());
  }

  @Test
  void aNameHeldInOneRoomIsTakenInAnotherRoomSharingTheRegistry() {
    Room other = new Room(new RoomInfo("", "", 0, 1), names);
    join(new FakeSubscriber(room), "alice");
    assertInstanceOf(JoinResult.NameTaken.class,
        other.join(new FakeSubscriber(other), "Alice", keyOf("Alice")));
  }

  @Test
  void anInvalidNameIsRefusedWithItsProblem() {
    assertInstanceOf(JoinResult.NameInvalid.class,
        room.join(new FakeSubscriber(room), "", keyOf("")));
    assertInstanceOf(JoinResult.NameInvalid.class,
        room.join(new FakeSubscriber(room), "a b", keyOf("a b")));
  }

  @Test
  void aNameIsFreeAgainAfterItsHolderLeaves() {
    Member alice = join(new FakeSubscriber(room), "alice");
    assertTrue(room.leave(alice, "bye"));
    assertFalse(room.leave(alice, "bye"), "each member leaves once");
    join(new FakeSubscriber(room), "alice");
  }

  @Test
  void aClosedRoomRefusesJoinsAndFreesItsNames() {
    join(new FakeSubscriber(room), "alice");
    assertEquals(1, room.close().size());
    assertInstanceOf(JoinResult.Closed.class,
        room.join(new FakeSubscriber(room), "bob", keyOf("bob")));
    assertTrue(names.holder("alice").isEmpty());
  }

  @Test
  void aSlowMemberIsRemovedWithLeftTooSlowAndTheOthersGoOn() {
    FakeSubscriber a = new FakeSubscriber(room);
    FakeSubscriber slow = new FakeSubscriber(room);
    FakeSubscriber c = new FakeSubscriber(room);
    Member alice = join(a, "alice");
    join(slow, "slow");
    join(c, "carol");
    slow.capacity = slow.received.size(); // its backlog is full from now on
    room.say(alice, "one");
    room.say(alice, "two");
    assertEquals(List.of("too slow"), slow.evictions);
    assertEquals(List.of("alice", "carol"), room.roster());
    for (FakeSubscriber s : List.of(a, c)) {
      assertEquals(List.of("alice:one", "alice:two"), texts(s));
      ServerMessage.Left left = s.all(ServerMessage.Left.class).get(0);
      assertEquals("slow", left.name());
      assertEquals(Room.TOO_SLOW, left.reason());
    }
    assertTrue(names.holder("slow").isEmpty(), "the slow member's name is free again");
  }

  @Test
  void aLeftThatOverflowsAnotherMemberRemovesThatOneToo() {
    FakeSubscriber a = new FakeSubscriber(room);
    FakeSubscriber b = new FakeSubscriber(room);
    FakeSubscriber c = new FakeSubscriber(room);
    Member alice = join(a, "alice");
    join(b, "bob");
    join(c, "carol");
    b.capacity = b.received.size();
    c.capacity = c.received.size() + 1; // room for the message, not for LEFT bob
    room.say(alice, "hi");
    assertEquals(List.of("too slow"), b.evictions);
    assertEquals(List.of("too slow"), c.evictions);
    assertEquals(List.of("alice"), room.roster());
    assertEquals(List.of("bob", "carol"),
        a.all(ServerMessage.Left.class).stream().map(ServerMessage.Left::name).toList());
  }

  @Test
  void evictionIsNeverCalledUnderTheRoomLockButOffersAre() {
    FakeSubscriber a = new FakeSubscriber(room);
    FakeSubscriber slow = new FakeSubscriber(room);
    Member alice = join(a, "alice");
    Member s = join(slow, "slow");
    slow.capacity = slow.received.size();
    room.say(alice, "x");
    room.who(s);
    assertEquals(List.of(false), slow.lockHeldWhenEvicted);
    assertFalse(a.lockHeldWhenOffered.isEmpty());
    assertTrue(a.lockHeldWhenOffered.stream().allMatch(held -> held), "offers happen in order");
  }

  @Test
  void aJoinerWhoseWelcomeOverflowsIsEvictedAndGetsClosed() {
    FakeSubscriber a = new FakeSubscriber(room);
    join(a, "alice");
    FakeSubscriber full = new FakeSubscriber(room);
    full.capacity = 0;
    assertInstanceOf(JoinResult.Closed.class, room.join(full, "bob", keyOf("bob")));
    assertEquals(List.of("too slow"), full.evictions);
    assertEquals(List.of(false), full.lockHeldWhenEvicted);
    assertEquals(List.of("alice"), room.roster());
  }

  @Test
  void aDmGoesToTheTargetAndBackToTheSenderOnly() {
    FakeSubscriber a = new FakeSubscriber(room);
    FakeSubscriber b = new FakeSubscriber(room);
    FakeSubscriber c = new FakeSubscriber(room);
    Member alice = join(a, "alice");
    join(b, "Bob");
    join(c, "carol");
    assertTrue(room.dm(alice, "BOB", "psst"));
    assertFalse(room.dm(alice, "nobody", "psst"));
    ServerMessage.Dm dm = b.all(ServerMessage.Dm.class).get(0);
    assertEquals("Bob", dm.to(), "the canonical name");
    assertEquals(1, a.all(ServerMessage.Dm.class).size());
    assertTrue(c.all(ServerMessage.Dm.class).isEmpty());
  }

  @Test
  void aSlowMemberBehindARealOutboxDoesNotDelayTheOthers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    OutboxTest.RecordingSink stuck = new OutboxTest.RecordingSink(release);
    Outbox stuckBox = new Outbox(stuck, OutboundBudget.unlimited(), 3, 1 << 20, flushed -> { });
    stuckBox.start("stuck");
    Subscriber slowSub = new Subscriber() {
      @Override
      public boolean offer(byte[] encoded) {
        return stuckBox.offer(encoded);
      }

      @Override
      public void evicted(String reason) {
        stuckBox.abort();
      }
    };
    FakeSubscriber a = new FakeSubscriber(room);
    Member alice = join(a, "alice");
    join(slowSub, "slow");
    for (int i = 0; i < 10; i++) {
      room.say(alice, "m" + i);
    }
    assertEquals(10, texts(a).size(), "alice got everything while slow's writer was stuck");
    assertEquals(List.of("alice"), room.roster());
    release.countDown();
    assertTrue(stuckBox.awaitDone(10, TimeUnit.SECONDS));
  }

  @Test
  void rosterIsEncodedOncePerMembershipChangeNotPerWho() {
    FakeSubscriber a = new FakeSubscriber(room);
    Member alice = join(a, "alice");
    join(new FakeSubscriber(room), "bob");
    room.who(alice);
    room.who(alice);
    // ROSTER 0 came with alice's own ENTER
    List<byte[]> rosters = rosterBytes(a);
    assertSame(rosters.get(1), rosters.get(2), "the second WHO reused the encoded ROSTER");
    join(new FakeSubscriber(room), "carol");
    room.who(alice);
    assertNotSame(rosters.get(1), rosterBytes(a).get(3), "a join made a new ROSTER");
    assertEquals(List.of("alice", "bob", "carol"),
        TestClient.names(a.all(ServerMessage.Roster.class).get(3).members()));
    assertTrue(room.leave(alice, "bye"));
    FakeSubscriber d = new FakeSubscriber(room);
    Member dave = join(d, "dave");
    room.who(dave);
    assertEquals(List.of("bob", "carol", "dave"),
        TestClient.names(d.all(ServerMessage.Roster.class).get(0).members()),
        "a leave made a new ROSTER too");
  }

  private static List<byte[]> rosterBytes(FakeSubscriber s) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < s.received.size(); i++) {
      if (s.received.get(i) instanceof ServerMessage.Roster) {
        out.add(s.raw.get(i));
      }
    }
    return out;
  }

  @Test
  void theRoomBudgetRefusesSayFromEveryoneTogetherAndSendsNothingForIt() {
    AtomicLong nanos = new AtomicLong(1_000);
    Room busy = new Room(new RoomInfo("", "", 0, 1), new NameRegistry(),
        new ServerConfig.RoomBudget(2, 4, 0, 1), nanos::get);
    List<FakeSubscriber> subs = new ArrayList<>();
    List<Member> senders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      FakeSubscriber s = new FakeSubscriber(busy);
      subs.add(s);
      senders.add(entered(busy, s, "u" + i));
    }
    int delivered = 0;
    for (int i = 0; i < 9; i++) {
      if (busy.say(senders.get(i % 3), "m" + i)) {
        delivered++;
      }
    }
    assertEquals(4, delivered, "the burst is the room's, shared by every sender");
    assertEquals(4, subs.get(0).all(ServerMessage.Chat.class).size(), "nothing refused was sent");
    nanos.addAndGet(500_000_000); // 0.5 s at 2/s: one more
    assertTrue(busy.say(senders.get(2), "later"));
    assertFalse(busy.say(senders.get(2), "too soon"));
  }

  @Test
  void theRoomByteBudgetCountsTheSizeOfEachMessage() {
    AtomicLong nanos = new AtomicLong(1_000);
    Room busy = new Room(new RoomInfo("", "", 0, 1), new NameRegistry(),
        new ServerConfig.RoomBudget(0, 1, 1000, 3000), nanos::get);
    FakeSubscriber a = new FakeSubscriber(busy);
    Member alice = entered(busy, a, "alice");
    String big = "x".repeat(1200);
    assertTrue(busy.say(alice, big));
    assertTrue(busy.say(alice, big));
    assertFalse(busy.say(alice, big), "2 × 1.2 KB taken of 3 KB");
    assertTrue(busy.say(alice, "short"), "a short one still fits");
    nanos.addAndGet(2_000_000_000L);
    assertTrue(busy.say(alice, big));
  }
}
