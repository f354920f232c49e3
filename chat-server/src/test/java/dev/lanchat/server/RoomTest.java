package dev.lanchat.server;

import dev.lanchat.common.message.ChainEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHash;
import dev.lanchat.common.chain.RoomChain;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rooms in memory, with fake subscribers and a {@link MemoryLog}: order, ids and heads, slow
 * members, the lock, the room budget, and what a store failure sends (nothing).
 */
@Timeout(30)
class RoomTest {
  /** A subscriber that records what it is offered and can be told to refuse (a full backlog). */
  static final class FakeSubscriber implements Subscriber {
    final BooleanSupplier locked;
    final List<ServerMessage> received = new CopyOnWriteArrayList<>();
    final List<byte[]> raw = new CopyOnWriteArrayList<>();
    final List<String> evictions = new CopyOnWriteArrayList<>();
    final List<Boolean> lockHeldWhenEvicted = new CopyOnWriteArrayList<>();
    final List<Boolean> lockHeldWhenOffered = new CopyOnWriteArrayList<>();
    volatile int capacity = Integer.MAX_VALUE;

    /** @param locked whether the calling thread holds a room lock now */
    FakeSubscriber(BooleanSupplier locked) {
      this.locked = locked;
    }

    @Override
    public boolean offer(byte[] encoded) {
      lockHeldWhenOffered.add(locked.getAsBoolean());
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
      lockHeldWhenEvicted.add(locked.getAsBoolean());
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

    /** Every room event received, MEMBERS_CHANGED counted as its changes, as (room, id). */
    List<String> ids() {
      List<String> out = new ArrayList<>();
      for (ServerMessage m : received) {
        if (m instanceof ServerMessage.Event e) {
          out.add(e.event().room() + " " + e.event().id());
        } else if (m instanceof ServerMessage.MembersChanged c) {
          for (long id = c.firstId(); id <= c.lastId(); id++) {
            out.add(c.room() + " " + id);
          }
        }
      }
      return out;
    }
  }

  private final MemoryLog log = new MemoryLog();
  private final Lobby lobby = new Lobby();
  private final Rooms rooms = rooms(ServerConfig.RoomBudget.UNLIMITED, System::nanoTime, 1000, 20);
  private long nextId = 1;

  private Rooms rooms(ServerConfig.RoomBudget budget, java.util.function.LongSupplier nanos,
      int maxRooms, int perClient) {
    return new Rooms(log, budget, nanos, NoticePacing.immediate(), maxRooms, perClient);
  }

  private FakeSubscriber subscriber() {
    return new FakeSubscriber(() -> anyRoomLocked(rooms));
  }

  private static boolean anyRoomLocked(Rooms rooms) {
    for (String name : List.of("#general", "#dev", "#a", "#b")) {
      if (rooms.named(name).map(Room::isLockedByCurrentThread).orElse(false)) {
        return true;
      }
    }
    return false;
  }

  private Member login(Subscriber s, String name) {
    return assertInstanceOf(JoinResult.Joined.class, lobby.login(s, name, keyOf(name))).member();
  }

  private Member enter(Rooms in, Subscriber s, String name, String room) {
    Member m = login(s, name);
    assertInstanceOf(Rooms.Entering.Entered.class, in.enter(m, room, 0));
    return m;
  }

  private Member enter(Subscriber s, String name) {
    return enter(rooms, s, name, "#general");
  }

  private Room general() {
    return rooms.named("#general").orElseThrow();
  }

  private RoomResult say(Member m, String text) {
    return say(general(), m, text);
  }

  private RoomResult say(Room room, Member m, String text) {
    return AwaitedLine.say(room, m, nextId++, text, false);
  }

  /** A key per name, so members can be told apart by key too. */
  static ByteString keyOf(String name) {
    byte[] key = new byte[32];
    byte[] raw = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    System.arraycopy(raw, 0, key, 0, Math.min(raw.length, key.length));
    return ByteString.copyOf(key);
  }

  private static List<String> texts(FakeSubscriber s) {
    return s.all(ServerMessage.Chat.class).stream().map(c -> c.from() + ":" + c.text()).toList();
  }

  @Test
  void enterSendsEnteredThenTheRosterWithItselfThenItsOwnJoinedAndJoinedToTheOthers() {
    FakeSubscriber a = subscriber();
    FakeSubscriber b = subscriber();
    enter(a, "alice");
    enter(b, "bob");
    ServerMessage.Entered entered = assertInstanceOf(ServerMessage.Entered.class, b.received.get(0));
    assertEquals(new ServerMessage.Entered("#general", "", 2, 1, 0), entered,
        "two members, and alice's JOINED as the one event of history");
    ServerMessage.Roster roster = assertInstanceOf(ServerMessage.Roster.class, b.received.get(1));
    assertEquals(List.of(new RosterEntry(new dev.lanchat.common.message.Member("alice",
        keyOf("alice")), ""), new RosterEntry(new dev.lanchat.common.message.Member("bob",
        keyOf("bob")), "")), roster.entries(), "everyone at the ENTER, bob included");
    assertFalse(roster.more());
    assertEquals(List.of("#general 1", "#general 2"), b.ids(), "history, then its own JOINED");
    assertEquals(new dev.lanchat.common.message.Member("bob", keyOf("bob")),
        b.all(ServerMessage.Joined.class).get(1).member(), "the first live event is its own");
    assertEquals(List.of("alice", "bob"), a.all(ServerMessage.Joined.class).stream()
        .map(j -> j.member().name()).toList());
  }

  @Test
  void everyMemberSeesTheSameEventsInTheSameOrderWithIdsWithoutHolesFromManyThreads()
      throws Exception {
    int senders = 4;
    int each = 200;
    List<FakeSubscriber> subs = new ArrayList<>();
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      FakeSubscriber s = subscriber();
      subs.add(s);
      members.add(enter(s, "user" + i));
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      Member m = members.get(i);
      long base = 1_000L * (i + 1);
      threads.add(Thread.ofVirtual().start(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int k = 0; k < each; k++) {
          AwaitedLine.say(general(), m, base + k, m.name() + " " + k, false);
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
    long lastId = 0;
    for (ServerMessage.Chat c : subs.get(0).all(ServerMessage.Chat.class)) {
      assertTrue(c.time() >= lastTime, "time never goes back");
      assertEquals(lastId == 0 ? c.event().id() : lastId + 1, c.event().id(), "no hole");
      lastTime = c.time();
      lastId = c.event().id();
    }
    for (FakeSubscriber s : subs) {
      assertEquals(first, texts(s), "one total order for every member");
    }
    assertEquals(ByteString.copyOf(subs.get(0).raw.getLast()),
        ByteString.copyOf(log.events("#general").getLast().encoded().toByteArray()),
        "the bytes sent are the bytes kept");
  }

  @Test
  void everyEventCarriesTheHeadTheClientChainComputes() {
    FakeSubscriber a = subscriber();
    FakeSubscriber b = subscriber();
    Member alice = enter(a, "alice");
    Member bob = enter(b, "bob");
    say(alice, "one");
    general().topic(alice, "lunch");
    assertTrue(general().leave(bob, Room.PARTED, "later"));
    RoomChain chain = new RoomChain();
    chain.join("#general");
    ByteString last = null;
    int checked = 0;
    for (ServerMessage m : a.received) {
      if (m instanceof ServerMessage.Event e) {
        assertInstanceOf(dev.lanchat.common.chain.ChainOutcome.Extended.class,
            chain.accept(ChainEvents.of(e), e.event().head()), "event " + e.event().id());
        last = e.event().head();
        checked++;
      }
    }
    assertEquals(5, checked, "JOINED, JOINED, MESSAGE, TOPIC, LEFT");
    assertEquals(log.head("#general"), last, "the store's head is the last one sent");
  }

  @Test
  void aClientInManyRoomsGetsOnlyThoseRoomsAndAClientInNoneGetsNothing() {
    FakeSubscriber many = subscriber();
    FakeSubscriber onlyA = subscriber();
    FakeSubscriber none = subscriber();
    Member m = login(many, "many");
    Member a = login(onlyA, "ann");
    login(none, "nobody");
    for (String room : List.of("#a", "#b", "#dev")) {
      assertInstanceOf(Rooms.Entering.Entered.class, rooms.enter(m, room, 0));
    }
    assertInstanceOf(Rooms.Entering.Entered.class, rooms.enter(a, "#a", 0));
    say(rooms.named("#b").orElseThrow(), m, "in b");
    say(rooms.named("#a").orElseThrow(), a, "in a");
    rooms.named("#dev").orElseThrow().topic(m, "dev topic");
    rooms.named("#b").orElseThrow().leave(m, Room.PARTED, "");
    assertTrue(none.received.isEmpty(), "in no room: nothing at all");
    for (ServerMessage got : onlyA.received) {
      String room = switch (got) {
        case ServerMessage.Event e -> e.event().room();
        case ServerMessage.Entered e -> e.room();
        case ServerMessage.Roster r -> r.room();
        case ServerMessage.MembersChanged c -> c.room();
        default -> throw new AssertionError("unexpected " + got);
      };
      assertEquals("#a", room, "ann is only in #a: " + got);
    }
    assertEquals(List.of("ann:in a"), texts(onlyA));
    assertEquals(List.of("many:in b", "ann:in a"), texts(many));
  }

  @Test
  void eachRoomHasItsOwnIdsFromOne() {
    FakeSubscriber s = subscriber();
    Member m = login(s, "alice");
    rooms.enter(m, "#a", 0);
    rooms.enter(m, "#b", 0);
    say(rooms.named("#a").orElseThrow(), m, "one");
    say(rooms.named("#b").orElseThrow(), m, "two");
    say(rooms.named("#a").orElseThrow(), m, "three");
    assertEquals(List.of("#a 1", "#b 1", "#a 2", "#b 2", "#a 3"), s.ids());
  }

  @Test
  void aNewMemberGetsTheLast20EventsAsHistoryBeforeItsOwnJoined() {
    Member alice = enter(subscriber(), "alice");
    for (int i = 0; i < 30; i++) {
      say(alice, "line " + i);
    }
    FakeSubscriber b = subscriber();
    enter(b, "bob");
    ServerMessage.Entered entered = b.all(ServerMessage.Entered.class).getFirst();
    assertEquals(20, entered.history());
    assertEquals(0, entered.skipped());
    List<String> ids = b.ids();
    assertEquals("#general 12", ids.getFirst(), "events 12 to 31: the last 20");
    assertEquals("#general 32", ids.getLast(), "then its own JOINED");
    assertEquals(21, ids.size());
    assertEquals("alice:line 10", texts(b).getFirst());
  }

  @Test
  void aReturningMemberGetsEverythingAfterItsLastIdAtMost1000AndHowManyWereSkipped() {
    Member alice = enter(subscriber(), "alice");
    for (int i = 0; i < 1_100; i++) {
      say(alice, "line " + i);
    }
    FakeSubscriber b = subscriber();
    Member bob = login(b, "bob");
    assertInstanceOf(Rooms.Entering.Entered.class, rooms.enter(bob, "#general", 50));
    ServerMessage.Entered entered = b.all(ServerMessage.Entered.class).getFirst();
    assertEquals(1_000, entered.history());
    assertEquals(51, entered.skipped(), "51 to 101 left out: the newest 1,000 are 102 to 1,101");
    assertEquals("#general 102", b.ids().getFirst());
    assertEquals("#general 1102", b.ids().getLast(), "its own JOINED");
    FakeSubscriber c = subscriber();
    Member carol = login(c, "carol");
    rooms.enter(carol, "#general", 1_100);
    assertEquals(new ServerMessage.Entered("#general", "", 3, 2, 0),
        c.all(ServerMessage.Entered.class).getFirst(), "nothing skipped");
    assertEquals(List.of("#general 1101", "#general 1102", "#general 1103"), c.ids());
  }

  @Test
  void aResentClientMessageIdIsDroppedSilently() {
    FakeSubscriber a = subscriber();
    Member alice = enter(a, "alice");
    Room room = general();
    assertInstanceOf(RoomResult.Done.class, AwaitedLine.say(room, alice, 7, "once", false));
    assertInstanceOf(RoomResult.Repeat.class, AwaitedLine.say(room, alice, 7, "once", false));
    assertInstanceOf(RoomResult.Repeat.class, AwaitedLine.say(room, alice, 7, "once", true),
        "an ME with the same id is the same message");
    assertEquals(List.of("alice:once"), texts(a));
    assertEquals(2, log.appends(), "JOINED and the one MESSAGE");
  }

  @Test
  void linesThatQueueWhileTheRoomIsBusyAreStoredTogetherAndReachEveryoneInStoreOrder()
      throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    FakeSubscriber a = subscriber();
    FakeSubscriber b = subscriber();
    Subscriber gate = holdsTheLockOnItsFirstMessage(b, holding, release);
    Member alice = enter(a, "alice");
    enter(gate, "bob");
    List<Member> others = new ArrayList<>();
    for (String name : List.of("carol", "dave", "erin")) {
      others.add(enter(subscriber(), name));
    }
    int callsBefore = log.appendEachSizes().size();
    List<Thread> threads = new ArrayList<>();
    threads.add(Thread.ofVirtual()
        .start(() -> AwaitedLine.say(general(), alice, 1, "first", false)));
    assertTrue(holding.await(10, TimeUnit.SECONDS));
    for (Member m : others) {
      threads.add(Thread.ofVirtual()
          .start(() -> AwaitedLine.say(general(), m, 1, m.name(), false)));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (general().linesWaiting() < others.size() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(others.size(), general().linesWaiting(), "the three lines wait for the lock");
    release.countDown();
    for (Thread t : threads) {
      assertTrue(t.join(java.time.Duration.ofSeconds(10)));
    }
    assertEquals(List.of(1, 3), log.appendEachSizes().subList(callsBefore,
        log.appendEachSizes().size()), "the first line alone, then the three in one call");
    List<String> seen = texts(a);
    assertEquals("alice:first", seen.get(0));
    assertEquals(java.util.Set.of("carol:carol", "dave:dave", "erin:erin"),
        java.util.Set.copyOf(seen.subList(1, 4)));
    assertEquals(seen, texts(b), "every member in one order");
    List<Long> ids = a.all(ServerMessage.Chat.class).stream().map(c -> c.event().id()).toList();
    assertEquals(List.of(ids.get(0), ids.get(0) + 1, ids.get(0) + 2, ids.get(0) + 3), ids);
    assertEquals(seen, log.events("#general").stream().skip(log.events("#general").size() - 4)
        .map(e -> {
          try {
            ServerMessage.Chat c = (ServerMessage.Chat) MessageCodec.decodeServer(
                e.encoded().toByteArray());
            return c.from() + ":" + c.text();
          } catch (IOException x) {
            throw new AssertionError(x);
          }
        }).toList(), "sent in the order the store numbered them");
  }

  /**
   * A subscriber that passes everything to {@code b} and, on its first MESSAGE, holds the room's
   * lock (it is offered under it) until {@code release}, after counting {@code holding} down.
   */
  private static Subscriber holdsTheLockOnItsFirstMessage(FakeSubscriber b,
      CountDownLatch holding, CountDownLatch release) {
    java.util.concurrent.atomic.AtomicBoolean first =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    return new Subscriber() { // holds the room's lock on its first MESSAGE
      @Override
      public boolean offer(byte[] encoded) {
        boolean queued = b.offer(encoded);
        if (b.received.getLast() instanceof ServerMessage.Chat && first.getAndSet(false)) {
          holding.countDown();
          try {
            assertTrue(release.await(10, TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        }
        return queued;
      }

      @Override
      public void evicted(String reason) {
        b.evicted(reason);
      }
    };
  }

  @Test
  void aMembersLineIsHandedOverWithoutWaitingForTheRoomAndAnsweredInOrder() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    FakeSubscriber a = subscriber();
    FakeSubscriber b = subscriber();
    Member alice = enter(a, "alice");
    enter(holdsTheLockOnItsFirstMessage(b, holding, release), "bob");
    Thread first = Thread.ofVirtual()
        .start(() -> AwaitedLine.say(general(), alice, 1, "first", false));
    assertTrue(holding.await(10, TimeUnit.SECONDS));
    // the room is held: with a reader that waited for its line, this thread would hang here
    AwaitedLine second = new AwaitedLine();
    AwaitedLine third = new AwaitedLine();
    general().say(alice, 2, "second", false, second);
    general().say(alice, 2, "third", false, third);
    assertEquals(2, general().linesWaiting(), "both lines wait for the room, not their sender");
    release.countDown();
    assertInstanceOf(RoomResult.Done.class, second.await());
    assertInstanceOf(RoomResult.Repeat.class, third.await(), "the same id, after the second");
    assertTrue(first.join(java.time.Duration.ofSeconds(10)));
    assertEquals(List.of("alice:first", "alice:second"), texts(b));
  }

  @Test
  void aLineQueuedWhileTheRoomIsOnlyBeingReadIsStillStored() throws Exception {
    FakeSubscriber a = subscriber();
    Member alice = enter(a, "alice");
    Room room = general();
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    // another member's ROOMS and WHO take the lock only to read: a line that finds it held must
    // still be stored, though no event follows to pick it up
    Thread reader = Thread.ofPlatform().start(() -> {
      while (!stop.get()) {
        room.summary();
        room.names();
      }
    });
    try {
      for (int i = 1; i <= 300; i++) {
        assertInstanceOf(RoomResult.Done.class, AwaitedLine.say(room, alice, i, "line " + i,
            false), "line " + i);
      }
    } finally {
      stop.set(true);
      assertTrue(reader.join(java.time.Duration.ofSeconds(10)));
    }
    assertEquals(300, texts(a).size());
  }

  @Test
  void aStoreFailureSendsNothingAndSaysSo() {
    FakeSubscriber a = subscriber();
    FakeSubscriber b = subscriber();
    Member alice = enter(a, "alice");
    enter(b, "bob");
    int before = b.received.size();
    log.failing(true);
    assertInstanceOf(RoomResult.StoreFailed.class, say(alice, "lost"));
    assertInstanceOf(RoomResult.StoreFailed.class, general().topic(alice, "lost"));
    assertInstanceOf(Rooms.Entering.StoreFailed.class,
        rooms.enter(login(subscriber(), "carol"), "#general", 0));
    assertEquals(before, b.received.size(), "nobody got anything");
    assertEquals(List.of("alice", "bob"), general().names(), "carol did not enter");
    log.failing(false);
    assertInstanceOf(RoomResult.Done.class, say(alice, "back"));
    assertEquals(List.of("alice:back"), texts(b));
  }

  @Test
  void aSlowMemberIsRemovedWithLeftTooSlowAndTheOthersGoOn() {
    FakeSubscriber a = subscriber();
    FakeSubscriber slow = subscriber();
    FakeSubscriber c = subscriber();
    Member alice = enter(a, "alice");
    Member s = enter(slow, "slow");
    enter(c, "carol");
    slow.capacity = slow.received.size(); // its backlog is full from now on
    say(alice, "one");
    say(alice, "two");
    assertEquals(List.of("too slow"), slow.evictions);
    assertEquals(List.of("alice", "carol"), general().names());
    assertTrue(s.rooms().isEmpty(), "it is in no room any more");
    for (FakeSubscriber f : List.of(a, c)) {
      assertEquals(List.of("alice:one", "alice:two"), texts(f));
      ServerMessage.Left left = f.all(ServerMessage.Left.class).get(0);
      assertEquals("slow", left.name());
      assertEquals(Room.TOO_SLOW, left.reason());
    }
  }

  @Test
  void aLeftThatOverflowsAnotherMemberRemovesThatOneToo() {
    FakeSubscriber a = subscriber();
    FakeSubscriber b = subscriber();
    FakeSubscriber c = subscriber();
    Member alice = enter(a, "alice");
    enter(b, "bob");
    enter(c, "carol");
    b.capacity = b.received.size();
    c.capacity = c.received.size() + 1; // room for the message, not for LEFT bob
    say(alice, "hi");
    assertEquals(List.of("too slow"), b.evictions);
    assertEquals(List.of("too slow"), c.evictions);
    assertEquals(List.of("alice"), general().names());
    assertEquals(List.of("bob", "carol"),
        a.all(ServerMessage.Left.class).stream().map(ServerMessage.Left::name).toList());
  }

  @Test
  void evictionIsNeverCalledUnderTheRoomLockButOffersAre() {
    FakeSubscriber a = subscriber();
    FakeSubscriber slow = subscriber();
    Member alice = enter(a, "alice");
    Member s = enter(slow, "slow");
    slow.capacity = slow.received.size();
    say(alice, "x");
    general().who(s);
    assertEquals(List.of(false), slow.lockHeldWhenEvicted);
    assertFalse(a.lockHeldWhenOffered.isEmpty());
    assertTrue(a.lockHeldWhenOffered.stream().allMatch(held -> held), "offers happen in order");
  }

  @Test
  void anEntererWhoseEnteredOverflowsIsEvicted() {
    enter(subscriber(), "alice");
    FakeSubscriber full = subscriber();
    full.capacity = 0;
    Member bob = login(full, "bob");
    rooms.enter(bob, "#general", 0);
    assertEquals(List.of("too slow"), full.evictions);
    assertEquals(List.of(false), full.lockHeldWhenEvicted);
    assertEquals(List.of("alice"), general().names());
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
    FakeSubscriber a = subscriber();
    Member alice = enter(a, "alice");
    enter(slowSub, "slow");
    for (int i = 0; i < 10; i++) {
      say(alice, "m" + i);
    }
    assertEquals(10, texts(a).size(), "alice got everything while slow's writer was stuck");
    assertEquals(List.of("alice"), general().names());
    release.countDown();
    assertTrue(stuckBox.awaitDone(10, TimeUnit.SECONDS));
  }

  @Test
  void rosterIsEncodedOncePerMembershipChangeNotPerWho() {
    FakeSubscriber a = subscriber();
    Member alice = enter(a, "alice");
    enter(subscriber(), "bob");
    general().who(alice);
    general().who(alice);
    List<byte[]> rosters = rosterBytes(a);
    int n = rosters.size();
    assertSame(rosters.get(n - 2), rosters.get(n - 1), "the second WHO reused the ROSTER");
    enter(subscriber(), "carol");
    general().who(alice);
    assertNotSame(rosters.get(n - 1), rosterBytes(a).getLast(), "an enter made a new ROSTER");
    assertEquals(List.of("alice", "bob", "carol"),
        namesOf(a.all(ServerMessage.Roster.class).getLast().members()));
    assertTrue(general().leave(alice, "", ""));
    FakeSubscriber d = subscriber();
    Member dave = enter(d, "dave");
    general().who(dave);
    assertEquals(List.of("bob", "carol", "dave"),
        namesOf(d.all(ServerMessage.Roster.class).getLast().members()),
        "a leave made a new ROSTER too");
  }

  @Test
  void awayTextsShowInTheRoster() {
    FakeSubscriber a = subscriber();
    Member alice = enter(a, "alice");
    Member bob = enter(subscriber(), "bob");
    general().who(alice);
    bob.away("lunch");
    general().awayChanged();
    general().who(alice);
    assertEquals(List.of("", "lunch"), a.all(ServerMessage.Roster.class).getLast().entries()
        .stream().map(RosterEntry::away).toList());
  }

  @Test
  void aLongRosterIsPagedWithMoreOnAllButTheLastRecord() {
    List<Member> all = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      all.add(login(subscriber(), "member" + i));
    }
    List<byte[]> pages = RosterPages.encode("#general", all);
    assertTrue(pages.size() > 1, "2,000 names with their keys do not fit one record");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < pages.size(); i++) {
      assertTrue(pages.get(i).length <= dev.lanchat.common.crypto.CipherState.MAX_PLAINTEXT);
      ServerMessage.Roster r = assertInstanceOf(ServerMessage.Roster.class, decode(pages.get(i)));
      assertEquals(i < pages.size() - 1, r.more());
      r.members().forEach(m -> names.add(m.name()));
    }
    assertEquals(all.stream().map(Member::name).toList(), names, "every member once, in order");
  }

  private static List<String> namesOf(List<dev.lanchat.common.message.Member> members) {
    return members.stream().map(dev.lanchat.common.message.Member::name).toList();
  }

  private static ServerMessage decode(byte[] encoded) {
    try {
      return MessageCodec.decodeServer(encoded);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
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
    Rooms busy = rooms(new ServerConfig.RoomBudget(2, 4, 0, 1), nanos::get, 10, 10);
    List<FakeSubscriber> subs = new ArrayList<>();
    List<Member> senders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      FakeSubscriber s = new FakeSubscriber(() -> false);
      subs.add(s);
      senders.add(enter(busy, s, "u" + i, "#general"));
    }
    Room room = busy.named("#general").orElseThrow();
    int delivered = 0;
    for (int i = 0; i < 9; i++) {
      if (say(room, senders.get(i % 3), "m" + i) instanceof RoomResult.Done) {
        delivered++;
      }
    }
    assertEquals(4, delivered, "the burst is the room's, shared by every sender");
    assertEquals(4, subs.get(0).all(ServerMessage.Chat.class).size(), "nothing refused was sent");
    nanos.addAndGet(500_000_000); // 0.5 s at 2/s: one more
    assertInstanceOf(RoomResult.Done.class, say(room, senders.get(2), "later"));
    assertInstanceOf(RoomResult.Busy.class, say(room, senders.get(2), "too soon"));
  }

  @Test
  void theRoomByteBudgetCountsTheSizeOfEachMessage() {
    AtomicLong nanos = new AtomicLong(1_000);
    Rooms busy = rooms(new ServerConfig.RoomBudget(0, 1, 1000, 3000), nanos::get, 10, 10);
    Member alice = enter(busy, new FakeSubscriber(() -> false), "alice", "#general");
    Room room = busy.named("#general").orElseThrow();
    String big = "x".repeat(1200);
    assertInstanceOf(RoomResult.Done.class, say(room, alice, big));
    assertInstanceOf(RoomResult.Done.class, say(room, alice, big));
    assertInstanceOf(RoomResult.Busy.class, say(room, alice, big), "2 × 1.2 KB taken of 3 KB");
    assertInstanceOf(RoomResult.Done.class, say(room, alice, "short"), "a short one still fits");
    nanos.addAndGet(2_000_000_000L);
    assertInstanceOf(RoomResult.Done.class, say(room, alice, big));
  }

  @Test
  void theRoomLimitsRefuseWithWhichLimitWasHit() {
    Rooms small = rooms(ServerConfig.RoomBudget.UNLIMITED, System::nanoTime, 2, 2);
    Member alice = login(new FakeSubscriber(() -> false), "alice");
    Member bob = login(new FakeSubscriber(() -> false), "bob");
    assertInstanceOf(Rooms.Entering.Entered.class, small.enter(alice, "#a", 0));
    assertInstanceOf(Rooms.Entering.Entered.class, small.enter(alice, "#b", 0));
    Rooms.Entering perClient = small.enter(alice, "#a2", 0);
    assertTrue(assertInstanceOf(Rooms.Entering.TooMany.class, perClient).text()
        .contains("--max-rooms-per-client"));
    Rooms.Entering perServer = small.enter(bob, "#c", 0);
    assertTrue(assertInstanceOf(Rooms.Entering.TooMany.class, perServer).text()
        .contains("--max-rooms"));
    assertInstanceOf(Rooms.Entering.Entered.class, small.enter(bob, "#A", 0),
        "an existing room, spelled otherwise: no new room");
    assertInstanceOf(Rooms.Entering.AlreadyIn.class, small.enter(alice, "#B", 0));
    assertInstanceOf(Rooms.Entering.Invalid.class, small.enter(bob, "#no spaces", 0));
    small.named("#b").orElseThrow().leave(alice, Room.PARTED, "");
    assertEquals(1, small.count(), "an emptied room is gone");
    assertInstanceOf(Rooms.Entering.Entered.class, small.enter(bob, "#c", 0));
  }

  @Test
  void aRoomEnteredAgainAfterItEmptiedContinuesItsIdsSpellingAndTopic() {
    FakeSubscriber a = subscriber();
    Member alice = login(a, "alice");
    rooms.enter(alice, "#Dev", 0);
    rooms.named("#dev").orElseThrow().topic(alice, "builds");
    rooms.named("#dev").orElseThrow().leave(alice, Room.PARTED, "");
    assertTrue(rooms.named("#dev").isEmpty());
    FakeSubscriber b = subscriber();
    Member bob = login(b, "bob");
    rooms.enter(bob, "#DEV", 3);
    assertEquals(new ServerMessage.Entered("#Dev", "builds", 1, 0, 0),
        b.all(ServerMessage.Entered.class).getFirst(), "the creator's spelling and the topic");
    assertEquals(List.of("#Dev 4"), b.ids(), "JOINED, TOPIC, LEFT were 1 to 3");
  }

  @Test
  void aClosedRegistryRefusesEntersAndForgetsEveryMember() {
    Member alice = enter(subscriber(), "alice");
    rooms.close();
    assertTrue(alice.rooms().isEmpty());
    assertInstanceOf(Rooms.Entering.Closed.class,
        rooms.enter(login(subscriber(), "bob"), "#general", 0));
  }
}
