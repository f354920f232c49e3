package dev.lanchat.server;

import dev.lanchat.common.message.ChainEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainOutcome;
import dev.lanchat.common.chain.RoomChain;
import dev.lanchat.common.chain.RoomEvent;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Coalesced membership notices leave every roster exactly right and every member's chain
 * whole: random enters, leaves, SAYs and clock steps against a model of the room, with a
 * hand-turned clock and timer. Each seed is printed so a failure can be replayed.
 */
@Timeout(120)
class CoalescedNoticesPropertyTest {
  private static final long WINDOW = Duration.ofMillis(100).toNanos();

  /** A clock and timer the test turns by hand; timers run only when the test says. */
  static final class ManualPacing implements NoticePacing {
    long now = 1_000_000_000L;
    final List<long[]> dueAt = new ArrayList<>();
    final List<Runnable> tasks = new ArrayList<>();

    @Override
    public Duration window() {
      return Duration.ofNanos(WINDOW);
    }

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void after(long delayNanos, Runnable task) {
      dueAt.add(new long[] {now + delayNanos});
      tasks.add(task);
    }

    /** Moves the clock and runs every timer that is due, in the order they were set. */
    void advance(long nanos) {
      now += nanos;
      for (int i = 0; i < tasks.size(); ) {
        if (dueAt.get(i)[0] <= now) {
          dueAt.remove(i);
          tasks.remove(i).run();
        } else {
          i++;
        }
      }
    }
  }

  /**
   * A client as the protocol describes it: a roster from the ROSTER records after ENTERED (which
   * count everyone at the ENTER, itself too), kept by every notice after its own JOINED, and the
   * room chain checked over the history and every live event.
   */
  static final class RosterKeeper implements Subscriber {
    final List<Member> roster = new ArrayList<>();
    final List<ServerMessage> received = new ArrayList<>();
    final RoomChain chain = new RoomChain();
    boolean entered;
    boolean rosterDone;
    /** History events still to come: shown, chained, but already in the ROSTER. */
    long history;
    /** This client's key; changes before its own JOINED are in its ROSTER already. */
    ByteString own;
    boolean ownJoinedSeen;

    @Override
    public boolean offer(byte[] encoded) {
      ServerMessage m;
      try {
        m = MessageCodec.decodeServer(encoded);
      } catch (ProtocolException e) {
        throw new AssertionError(e);
      }
      received.add(m);
      switch (m) {
        case ServerMessage.Entered e -> {
          assertTrue(!entered, "one ENTERED");
          entered = true;
          history = e.history();
          chain.join(e.room());
        }
        case ServerMessage.Roster r -> {
          assertTrue(entered && !rosterDone, "ROSTER records right after ENTERED");
          roster.addAll(r.members());
          rosterDone = !r.more();
        }
        case ServerMessage.Event e when history > 0 -> {
          check(e);
          history--;
        }
        case ServerMessage.Joined j -> {
          check(j);
          joined(j.member());
        }
        case ServerMessage.Left l -> {
          check(l);
          left(l.name());
        }
        case ServerMessage.Event e -> check(e);
        case ServerMessage.MembersChanged c -> changes(c);
        default -> { }
      }
      return true;
    }

    private void changes(ServerMessage.MembersChanged c) {
      assertTrue(c.changes().size() > 1, "a lone change is JOINED or LEFT");
      assertEquals(0, history, "MEMBERS_CHANGED is never history");
      List<RoomEvent> events = ChainEvents.of(c);
      for (int i = 0; i < events.size(); i++) {
        RoomEvent e = events.get(i);
        ChainOutcome outcome = i < events.size() - 1
            ? chain.accept(e, dev.lanchat.common.chain.ChainHash.next(
                chain.head(e.room()).orElseThrow().head(), e)) // the client computes these
            : chain.accept(e, c.head());
        assertInstanceOf(ChainOutcome.Extended.class, outcome, "change " + e.id());
      }
      for (MemberChange change : c.changes()) {
        switch (change) {
          case MemberChange.Joined j -> joined(j.member());
          case MemberChange.Left l -> left(l.name());
        }
      }
    }

    private void check(ServerMessage.Event e) {
      assertTrue(rosterDone, "no event before the ROSTER");
      ChainOutcome outcome = chain.accept(ChainEvents.of(e), e.event().head());
      assertTrue(outcome instanceof ChainOutcome.Extended
          || (outcome instanceof ChainOutcome.Started s
              && s.reason() == ChainOutcome.Started.Reason.FIRST_SEEN),
          "event " + e.event().id() + ": " + outcome);
    }

    private void joined(Member member) {
      if (!ownJoinedSeen) { // up to its own, counted in its ROSTER (net of any LEFT after)
        ownJoinedSeen = member.key().equals(own);
        return;
      }
      add(member);
    }

    private void left(String name) {
      if (!ownJoinedSeen) { // before its own JOINED: counted in its ROSTER already
        return;
      }
      remove(name);
    }

    private void add(Member member) {
      assertTrue(roster.stream().noneMatch(m -> m.name().equals(member.name())),
          "joined twice: " + member.name());
      roster.add(member);
    }

    private void remove(String name) {
      assertTrue(roster.removeIf(m -> m.name().equals(name)), "left without being here: " + name);
    }

    @Override
    public void evicted(String reason) {
      throw new AssertionError("nobody is slow in this test");
    }
  }

  private static ByteString keyOf(String name, int generation) {
    byte[] key = new byte[32];
    key[0] = (byte) generation;
    key[1] = (byte) (generation >> 8);
    byte[] raw = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    System.arraycopy(raw, 0, key, 2, Math.min(raw.length, 30));
    return ByteString.copyOf(key);
  }

  private static Rooms rooms(NoticePacing pacing) {
    return new Rooms(new MemoryLog(), ServerConfig.RoomBudget.UNLIMITED, System::nanoTime,
        pacing, 10, 10);
  }

  private static dev.lanchat.server.Member enter(Lobby lobby, Rooms rooms, RosterKeeper s,
      String name, ByteString key) {
    s.own = key;
    dev.lanchat.server.Member m = assertInstanceOf(JoinResult.Joined.class,
        lobby.login(s, name, key)).member();
    assertInstanceOf(Rooms.Entering.Entered.class, rooms.enter(m, "#general", 0));
    return m;
  }

  @Test
  void everyRosterMatchesTheModelAfterRandomEntersLeavesAndSays() {
    long base = System.nanoTime();
    for (int round = 0; round < 60; round++) {
      long seed = base + round;
      try {
        runOnce(seed, 200);
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
    System.out.println("CoalescedNoticesPropertyTest: 60 seeds from " + base + " passed");
  }

  private static void runOnce(long seed, int steps) {
    Random random = new Random(seed);
    ManualPacing pacing = new ManualPacing();
    Lobby lobby = new Lobby();
    Rooms rooms = rooms(pacing);
    Map<String, Member> model = new LinkedHashMap<>();
    Map<String, dev.lanchat.server.Member> handles = new LinkedHashMap<>();
    Map<String, RosterKeeper> keepers = new LinkedHashMap<>();
    long nextId = 1;
    for (int step = 0; step < steps; step++) {
      int op = random.nextInt(10);
      if (op < 4 || model.isEmpty()) {
        String name = "u" + random.nextInt(40);
        if (model.containsKey(name)) {
          continue;
        }
        ByteString key = keyOf(name, step);
        RosterKeeper keeper = new RosterKeeper();
        handles.put(name, enter(lobby, rooms, keeper, name, key));
        model.put(name, new Member(name, key));
        keepers.put(name, keeper);
      } else if (op < 7) {
        String name = List.copyOf(model.keySet()).get(random.nextInt(model.size()));
        dev.lanchat.server.Member gone = handles.remove(name);
        rooms.leaveAll(gone, random.nextBoolean() ? "" : "connection lost",
            random.nextBoolean() ? "" : "bye");
        lobby.logout(gone);
        model.remove(name);
        keepers.remove(name);
      } else if (op < 8) {
        String name = List.copyOf(model.keySet()).get(random.nextInt(model.size()));
        AwaitedLine.say(rooms.named("#general").orElseThrow(), handles.get(name), nextId++, "hi",
            false);
        // a MESSAGE comes after every change before it: at the MESSAGE, everyone is up to date
        for (var e : keepers.entrySet()) {
          assertEquals(List.copyOf(model.values()), e.getValue().roster,
              "roster of " + e.getKey() + " at a MESSAGE");
        }
      } else {
        pacing.advance(random.nextInt(3) * WINDOW / 2);
      }
    }
    pacing.advance(WINDOW);
    for (var e : keepers.entrySet()) {
      assertEquals(List.copyOf(model.values()), e.getValue().roster,
          "roster of " + e.getKey() + " at the end");
    }
  }

  @Test
  void noticesGoOutAtMostOncePerWindowAndAtOnceAfterAQuietOne() {
    ManualPacing pacing = new ManualPacing();
    Lobby lobby = new Lobby();
    Rooms rooms = rooms(pacing);
    RosterKeeper first = new RosterKeeper();
    enter(lobby, rooms, first, "first", keyOf("first", 0));
    // the first enter after a quiet window went at once: ENTERED, ROSTER, its own JOINED
    assertInstanceOf(ServerMessage.Joined.class, first.received.getLast());
    int before = first.received.size();
    for (int i = 0; i < 30; i++) {
      enter(lobby, rooms, new RosterKeeper(), "j" + i, keyOf("j" + i, 0));
    }
    // the next 30 came within the window of that JOINED: they wait for its end
    assertEquals(before, first.received.size(), "nothing yet: " + first.received);
    pacing.advance(WINDOW - 1);
    assertEquals(before, first.received.size());
    pacing.advance(1);
    ServerMessage.MembersChanged batch =
        assertInstanceOf(ServerMessage.MembersChanged.class, first.received.getLast());
    assertEquals(30, batch.changes().size());
    assertEquals(before + 1, first.received.size(), "in one record");
    assertEquals(31, first.roster.size());
    pacing.advance(WINDOW);
    enter(lobby, rooms, new RosterKeeper(), "quiet", keyOf("quiet", 0));
    assertInstanceOf(ServerMessage.Joined.class, first.received.getLast(),
        "after a quiet window a change goes at once");
  }

  @Test
  void aRosterTooLargeForOneRecordIsPagedAndTheLateMemberEndsUpRight() {
    ManualPacing pacing = new ManualPacing();
    Lobby lobby = new Lobby();
    Rooms rooms = rooms(pacing);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) {
      String name = String.format("member-long-%05d", i);
      names.add(name);
      enter(lobby, rooms, new RosterKeeper(), name, keyOf(name, i));
      if (i % 100 == 99) {
        pacing.advance(WINDOW);
      }
    }
    pacing.advance(WINDOW);
    RosterKeeper late = new RosterKeeper();
    enter(lobby, rooms, late, "late", keyOf("late", 0));
    pacing.advance(WINDOW);
    long pages = late.received.stream().filter(m -> m instanceof ServerMessage.Roster).count();
    assertTrue(pages > 1, "one record cannot hold 1,500 members: " + pages);
    names.add("late");
    assertEquals(names, late.roster.stream().map(Member::name).toList());
  }

  @Test
  void aLargeRoomsWindowGrowsWithItsMembersAndItsRostersStayExact() {
    ManualPacing pacing = new ManualPacing();
    Lobby lobby = new Lobby();
    Rooms rooms = rooms(pacing);
    RosterKeeper first = new RosterKeeper();
    enter(lobby, rooms, first, "first", keyOf("first", 0));
    Subscriber quiet = new Subscriber() { // the crowd: only first's and late's rosters count
      @Override
      public boolean offer(byte[] encoded) {
        return true;
      }

      @Override
      public void evicted(String reason) {
        throw new AssertionError("nobody is too slow here");
      }
    };
    for (int i = 1; i < 3_000; i++) {
      ByteString key = keyOf("m" + i, i);
      dev.lanchat.server.Member m = assertInstanceOf(JoinResult.Joined.class,
          lobby.login(quiet, "m" + i, key)).member();
      assertInstanceOf(Rooms.Entering.Entered.class, rooms.enter(m, "#general", 0));
      if (i % 500 == 0) {
        pacing.advance(Duration.ofSeconds(1).toNanos());
      }
    }
    pacing.advance(Duration.ofSeconds(1).toNanos()); // everything out
    pacing.advance(Duration.ofSeconds(1).toNanos()); // and a quiet window
    assertEquals(3_000, first.roster.size());
    RosterKeeper late = new RosterKeeper();
    enter(lobby, rooms, late, "late", keyOf("late", 0));
    assertInstanceOf(ServerMessage.Joined.class, first.received.getLast(),
        "after a quiet window a change goes at once, in a large room too");
    int before = first.received.size();
    enter(lobby, rooms, new RosterKeeper(), "later", keyOf("later", 0));
    // 3,002 members: a window of 300 ms, three times the base
    long window = Duration.ofMillis(300).toNanos() + NoticePacing.WINDOW_PER_MEMBER.toNanos() * 2;
    assertEquals(window, pacing.windowNanos(3_002));
    pacing.advance(WINDOW);
    assertEquals(before, first.received.size(), "still within the large room's window");
    pacing.advance(window - WINDOW - 1);
    assertEquals(before, first.received.size());
    pacing.advance(1);
    assertEquals(before + 1, first.received.size(), "out when the window ends");
    assertEquals(3_002, first.roster.size());
    assertEquals(3_002, late.roster.size());
  }
}
