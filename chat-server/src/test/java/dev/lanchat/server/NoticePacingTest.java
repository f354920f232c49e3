package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class NoticePacingTest {
  private static final long MS = 1_000_000L;

  @Test
  void aRoomOfUpToAThousandMembersKeepsTheBaseWindow() {
    NoticePacing pacing = NoticePacing.system(Duration.ofMillis(100));
    assertEquals(100 * MS, pacing.windowNanos(0));
    assertEquals(100 * MS, pacing.windowNanos(1));
    assertEquals(100 * MS, pacing.windowNanos(1_000));
  }

  @Test
  void aLargerRoomsWindowGrowsByATenthOfAMillisecondPerMemberUpToOneSecond() {
    NoticePacing pacing = NoticePacing.system(Duration.ofMillis(100));
    assertEquals(100 * MS + 100_000, pacing.windowNanos(1_001));
    assertEquals(500 * MS, pacing.windowNanos(5_000));
    assertEquals(1_000 * MS, pacing.windowNanos(10_000));
    assertEquals(1_000 * MS, pacing.windowNanos(60_000));
  }

  @Test
  void aZeroWindowStaysZeroWhateverTheRoomsSize() {
    assertEquals(0, NoticePacing.immediate().windowNanos(10_000));
  }

  @Test
  void aLongerBaseWindowIsNeverShortened() {
    assertEquals(2_000 * MS, NoticePacing.system(Duration.ofSeconds(2)).windowNanos(10_000));
  }
}
