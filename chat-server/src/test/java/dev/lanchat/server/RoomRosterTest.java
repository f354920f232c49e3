package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kept ROSTER records are, byte for byte, what encoding the members from scratch gives,
 * whatever joins, leaves and away changes came before.
 */
class RoomRosterTest {
  private static final Subscriber NOBODY = new Subscriber() {
    @Override
    public boolean offer(byte[] encoded) {
      return true;
    }

    @Override
    public void evicted(String reason) {}
  };

  private static Member member(Random random, int n) {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return new Member("m" + n + "x".repeat(random.nextInt(20)), ByteString.copyOf(key), NOBODY);
  }

  private static void assertSameRecords(List<byte[]> expected, List<byte[]> actual, long seed,
      int step) {
    assertEquals(expected.size(), actual.size(), "pages, seed " + seed + " step " + step);
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i),
          "page " + i + ", seed " + seed + " step " + step);
    }
  }

  @Test
  void keptRecordsEqualAFreshEncodeAfterRandomJoinsLeavesAndAwayChanges() {
    for (long seed = 1; seed <= 20; seed++) {
      System.out.println("RoomRosterTest seed " + seed);
      Random random = new Random(seed);
      RoomRoster roster = new RoomRoster("#storm");
      Set<Member> members = new LinkedHashSet<>();
      int next = 0;
      for (int step = 0; step < 300; step++) {
        int action = random.nextInt(10);
        if (action < 7 || members.isEmpty()) {
          int joins = 1 + random.nextInt(random.nextInt(10) == 0 ? 600 : 3);
          for (int j = 0; j < joins; j++) {
            Member m = member(random, next++);
            members.add(m);
            roster.joined(m);
          }
        } else if (action < 9) {
          List<Member> all = new ArrayList<>(members);
          members.remove(all.get(random.nextInt(all.size())));
          roster.changed();
        } else {
          List<Member> all = new ArrayList<>(members);
          all.get(random.nextInt(all.size())).away("away " + step);
          roster.changed();
        }
        if (random.nextInt(3) == 0) {
          assertSameRecords(RosterPages.encode("#storm", List.copyOf(members)),
              roster.records(members), seed, step);
        }
      }
      assertSameRecords(RosterPages.encode("#storm", List.copyOf(members)),
          roster.records(members), seed, -1);
    }
  }

  @Test
  void aJoinAfterAFullPageStartsANewPageAndMarksTheFullOneMore() {
    Random random = new Random(99);
    RoomRoster roster = new RoomRoster("#big");
    Set<Member> members = new LinkedHashSet<>();
    roster.records(members);
    for (int i = 0; i < 3_000; i++) {
      Member m = member(random, i);
      members.add(m);
      roster.joined(m);
      if (i % 97 == 0 || i > 2_990) {
        assertSameRecords(RosterPages.encode("#big", List.copyOf(members)),
            roster.records(members), 99, i);
      }
    }
    assertTrue(roster.records(members).size() > 1, "3,000 members need several pages");
  }
}
