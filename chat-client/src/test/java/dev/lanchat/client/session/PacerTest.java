package dev.lanchat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pacing stays inside the server's token bucket: a burst goes at once, the rest waits. */
class PacerTest {
  @Test
  void aBurstGoesAtOnceThenEachMessageWaitsForItsToken() {
    Pacer pacer = new Pacer(SendLimits.SERVER_DEFAULTS, 0);
    for (int i = 0; i < 18; i++) { // 20 less the reserve of 2
      assertEquals(0, pacer.reserve(0), "message " + i);
    }
    long wait = pacer.reserve(0);
    assertTrue(wait > 100_000_000L, "slower than 10 a second: " + wait);
  }

  @Test
  void noLimitMeansNoWait() {
    Pacer pacer = new Pacer(new SendLimits(0, 0), 0);
    for (int i = 0; i < 1000; i++) {
      assertEquals(0, pacer.reserve(0));
    }
  }

  @Test
  void theWaitForTheLastLinesGrowsWithWhatIsQueued() {
    Pacer pacer = new Pacer(SendLimits.SERVER_DEFAULTS, 0);
    assertTrue(pacer.drainNanos(200) > 20_000_000_000L, "200 lines at under 10 a second");
    assertTrue(pacer.drainNanos(200) > pacer.drainNanos(20));
    assertEquals(0, new Pacer(new SendLimits(0, 0), 0).drainNanos(200));
  }
}
