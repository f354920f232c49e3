package dev.lanchat.server;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code burst} tokens at most, refilled at {@code rate} tokens per second; each
 * event takes one. A rate of {@code 0} lets everything through.
 *
 * <p>Not thread-safe: each bucket belongs to one thread (a connection's reader, or the accept
 * loop).
 */
final class RateLimiter {
  private static final double NANOS_PER_SECOND = 1e9;

  private final double rate;
  private final double burst;
  private final LongSupplier nanoClock;
  private double tokens;
  private long last;

  /**
   * @param rate tokens per second; {@code 0} switches the limit off
   * @param burst the most tokens the bucket holds (it starts full)
   * @param nanoClock a monotonic clock in nanoseconds, {@link System#nanoTime} outside tests
   */
  RateLimiter(double rate, double burst, LongSupplier nanoClock) {
    this.rate = rate;
    this.burst = burst;
    this.nanoClock = nanoClock;
    this.tokens = burst;
    this.last = nanoClock.getAsLong();
  }

  RateLimiter(double rate, double burst) {
    this(rate, burst, System::nanoTime);
  }

  /** Takes one token if there is one; false means the event is over the limit. */
  boolean tryAcquire() {
    if (rate == 0) {
      return true;
    }
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /**
   * Takes {@code n} tokens if there are that many, or if the bucket is full (so an event larger
   * than the burst still passes now and then); false means the event is over the limit.
   */
  boolean tryAcquire(double n) {
    if (rate == 0) {
      return true;
    }
    refill();
    if (tokens >= Math.min(n, burst)) {
      tokens -= n;
      return true;
    }
    return false;
  }

  /** True when the bucket is full again, so forgetting it changes nothing. */
  boolean isFull() {
    if (rate == 0) {
      return true;
    }
    refill();
    return tokens >= burst;
  }

  private void refill() {
    long now = nanoClock.getAsLong();
    long elapsed = now - last;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed / NANOS_PER_SECOND * rate);
      last = now;
    }
  }
}
