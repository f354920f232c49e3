package dev.lanchat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static List<Long> millis(Backoff backoff, int count) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(backoff.next().toMillis());
    }
    return out;
  }

  @Test
  void withNoJitterTheStepsAreHalfOfOneTwoFourUpToThirtySeconds() {
    Backoff backoff = new Backoff(bound -> 0); // the random half always draws its least
    assertEquals(List.of(500L, 1_000L, 2_000L, 4_000L, 8_000L, 15_000L, 15_000L, 15_000L),
        millis(backoff, 8));
  }

  @Test
  void withTheMostJitterTheStepsAreOneTwoFourUpToThirtySeconds() {
    Backoff backoff = new Backoff(bound -> bound - 1);
    assertEquals(List.of(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L),
        millis(backoff, 7));
  }

  @Test
  void resetStartsAgainFromOneSecond() {
    Backoff backoff = new Backoff(bound -> bound - 1);
    millis(backoff, 5);
    backoff.reset();
    assertEquals(List.of(1_000L, 2_000L), millis(backoff, 2));
  }

  @Test
  void everyWaitLiesBetweenHalfItsStepAndItsStep() {
    long seed = System.nanoTime();
    System.out.println("BackoffTest seed " + seed);
    Random random = new Random(seed);
    for (int run = 0; run < 200; run++) {
      Backoff backoff = new Backoff(random::nextLong);
      long step = 1_000;
      for (int i = 0; i < 10; i++) {
        long wait = backoff.next().toMillis();
        assertTrue(wait >= step / 2 && wait <= step, "seed " + seed + ": " + wait + " for " + step);
        step = Math.min(step * 2, Backoff.MAX.toMillis());
      }
    }
  }

  @Test
  void aRandomSourceOutOfBoundsIsRefused() {
    Backoff backoff = new Backoff(bound -> bound);
    assertThrows(IllegalStateException.class, backoff::next);
    assertEquals(Duration.ofSeconds(1), Backoff.FIRST);
  }
}
