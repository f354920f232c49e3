package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteString;
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
 * Coalesced membership notices leave every roster exactly right: random joins, leaves, SAYs and
 * clock steps against a model of the room, with a hand-turned clock and timer. Each seed is
 * printed so a failure can be replayed.
 */
@Timeout(60)
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

  /** A client as the protocol describes it: a roster from WELCOME, kept by every notice. */
  static final class RosterKeeper implements Subscriber {
    final List<Member> roster = new ArrayList<>();
    final List<ServerMessage> received = new ArrayList<>();
    boolean welcomed;
    String self;
    boolean entered;

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
        case ServerMessage.Welcome w -> {
          assertTrue(!welcomed, "one WELCOME");
          welcomed = true;
          self = w.name();
        }
        case ServerMessage.Roster r -> {
          assertTrue(welcomed && !entered, "the ROSTER of ENTER comes before any notice");
          roster.addAll(r.members());
        }
        case ServerMessage.Joined j -> add(j.member());
        case ServerMessage.Left l -> remove(l.name());
        case ServerMessage.MembersChanged c -> {
          assertTrue(c.changes().size() > 1, "a lone change is JOINED or LEFT");
          for (MemberChange change : c.changes()) {
            switch (change) {
              case MemberChange.Joined j -> add(j.member());
              case MemberChange.Left l -> remove(l.name());
            }
          }
        }
        default -> { }
      }
      return true;
    }

    private void add(Member member) {
      assertTrue(welcomed, "no notice before WELCOME");
      if (!entered) {
        // the first notice an entering member gets is its own JOINED; the ROSTER had it
        assertEquals(self, member.name(), "the first notice is the member's own JOINED");
        assertTrue(roster.contains(member), "the ROSTER lists the member itself");
        entered = true;
        return;
      }
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
    byte[] raw = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    System.arraycopy(raw, 0, key, 1, Math.min(raw.length, 31));
    return ByteString.copyOf(key);
  }

  @Test
  void everyRosterMatchesTheModelAfterRandomJoinsLeavesAndSays() {
    long base = System.nanoTime();
    for (int round = 0; round < 150; round++) {
      long seed = base + round;
      try {
        runOnce(seed, 250);
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
    System.out.println("CoalescedNoticesPropertyTest: 150 seeds from " + base + " passed");
  }

  private static void runOnce(long seed, int steps) {
    Random random = new Random(seed);
    ManualPacing pacing = new ManualPacing();
    Room room = new Room(new RoomInfo("prop", "", 0, 1), new NameRegistry(), pacing);
    Map<String, Member> model = new LinkedHashMap<>();
    Map<String, dev.lanchat.server.Member> handles = new LinkedHashMap<>();
    Map<String, RosterKeeper> keepers = new LinkedHashMap<>();
    for (int step = 0; step < steps; step++) {
      int op = random.nextInt(10);
      if (op < 4 || model.isEmpty()) {
        String name = "u" + random.nextInt(40);
        if (model.containsKey(name)) {
          continue;
        }
        ByteString key = keyOf(name, step);
        RosterKeeper keeper = new RosterKeeper();
        dev.lanchat.server.Member member = enter(room, keeper, name, key);
        model.put(name, new Member(name, key));
        handles.put(name, member);
        keepers.put(name, keeper);
        assertEquals(List.copyOf(model.values()), keeper.roster, "the ROSTER of " + name);
      } else if (op < 7) {
        String name = List.copyOf(model.keySet()).get(random.nextInt(model.size()));
        assertTrue(room.leave(handles.remove(name), random.nextBoolean() ? "" : "connection lost",
            random.nextBoolean() ? "" : "bye"));
        model.remove(name);
        keepers.remove(name);
      } else if (op < 8) {
        String name = List.copyOf(model.keySet()).get(random.nextInt(model.size()));
        room.say(handles.get(name), "hi");
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
    Room room = new Room(new RoomInfo("prop", "", 0, 1), new NameRegistry(), pacing);
    RosterKeeper first = new RosterKeeper();
    enter(room, first, "first", keyOf("first", 0));
    for (int i = 0; i < 30; i++) {
      enter(room, new RosterKeeper(), "j" + i, keyOf("j" + i, 0));
    }
    // the first join after a quiet window went at once; the other 30 wait for the window
    assertEquals(4, first.received.size(),
        "WELCOME, ENTERED, ROSTER and its own JOINED: " + first.received);
    pacing.advance(WINDOW - 1);
    assertEquals(4, first.received.size());
    pacing.advance(1);
    ServerMessage.MembersChanged batch =
        assertInstanceOf(ServerMessage.MembersChanged.class, first.received.get(4));
    assertEquals(30, batch.changes().size());
    assertEquals(31, first.roster.size());
  }

  @Test
  void aRosterTooLargeForOneRecordIsPagedWithMore() {
    ManualPacing pacing = new ManualPacing();
    Room room = new Room(new RoomInfo("prop", "", 0, 1), new NameRegistry(), pacing);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) {
      String name = String.format("member-with-a-long-%05d", i);
      names.add(name);
      enter(room, new RosterKeeper(), name, keyOf(name, 0));
    }
    RosterKeeper late = new RosterKeeper();
    enter(room, late, "late", keyOf("late", 0));
    List<ServerMessage.Roster> pages = late.received.stream()
        .filter(ServerMessage.Roster.class::isInstance).map(ServerMessage.Roster.class::cast)
        .toList();
    assertTrue(pages.size() > 1, "one record cannot hold 1,501 members");
    for (int i = 0; i < pages.size(); i++) {
      assertEquals(i < pages.size() - 1, pages.get(i).more(), "more on every page but the last");
    }
    names.add("late");
    assertEquals(names, late.roster.stream().map(Member::name).toList());
  }

  /** Joins {@code keeper} as {@code name} and enters the room, as our client does. */
  private static dev.lanchat.server.Member enter(Room room, RosterKeeper keeper, String name,
      ByteString key) {
    dev.lanchat.server.Member member =
        assertInstanceOf(JoinResult.Joined.class, room.join(keeper, name, key)).member();
    assertTrue(room.enter(member));
    return member;
  }
}
