package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final AtomicLong nanos = new AtomicLong(1_000);

  @Test
  void theBurstPassesThenTheRateRefills() {
    RateLimiter limiter = new RateLimiter(10, 20, nanos::get);
    for (int i = 0; i < 20; i++) {
      assertTrue(limiter.tryAcquire(), "burst " + i);
    }
    assertFalse(limiter.tryAcquire());
    nanos.addAndGet(100_000_000); // 0.1 s at 10/s: one token
    assertTrue(limiter.tryAcquire());
    assertFalse(limiter.tryAcquire());
    nanos.addAndGet(60_000_000_000L); // a minute: full again, never more than the burst
    for (int i = 0; i < 20; i++) {
      assertTrue(limiter.tryAcquire());
    }
    assertFalse(limiter.tryAcquire());
  }

  @Test
  void rateZeroSwitchesTheLimitOff() {
    RateLimiter limiter = new RateLimiter(0, 1, nanos::get);
    for (int i = 0; i < 10_000; i++) {
      assertTrue(limiter.tryAcquire());
    }
  }

  @Test
  void aWeightedEventTakesItsWeightAndOneLargerThanTheBurstPassesOnlyWhenFull() {
    RateLimiter bytes = new RateLimiter(1000, 4000, nanos::get);
    assertTrue(bytes.tryAcquire(3000));
    assertFalse(bytes.tryAcquire(3000), "1000 left");
    nanos.addAndGet(3_000_000_000L); // full again
    assertTrue(bytes.tryAcquire(10_000), "larger than the burst, but the bucket is full");
    nanos.addAndGet(5_000_000_000L); // 5,000 refilled: still 1,000 in debt
    assertFalse(bytes.tryAcquire(1));
  }
}
