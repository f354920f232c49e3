package dev.lanchat.client.session;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongUnaryOperator;

/**
 * The waits between reconnect attempts: exponential backoff from 1 s, doubling up to 30 s, with
 * "equal jitter" (half the step fixed, the other half random). Equal rather than full jitter so
 * that a client never retries at once after a drop: a restarting server is not hammered by every
 * client in the same instant, and each still spreads out over half of its step.
 *
 * <p>Not thread-safe: the reconnecting thread owns it. The random source is injected, so tests
 * check the exact sequence.
 */
public final class Backoff {
  /** The first step. */
  public static final Duration FIRST = Duration.ofSeconds(1);
  /** The largest step. */
  public static final Duration MAX = Duration.ofSeconds(30);

  private final LongUnaryOperator random;
  private long stepMillis = FIRST.toMillis();

  /**
   * @param random given a bound {@code n > 0}, returns a value in {@code [0, n)} (for example
   *     {@code n -> ThreadLocalRandom.current().nextLong(n)})
   */
  public Backoff(LongUnaryOperator random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The wait before the next attempt; each call doubles the step, up to {@link #MAX}. */
  public Duration next() {
    long half = stepMillis / 2;
    long jitter = random.applyAsLong(stepMillis - half + 1);
    if (jitter < 0 || jitter > stepMillis - half) {
      throw new IllegalStateException("the random source went out of bounds: " + jitter);
    }
    Duration wait = Duration.ofMillis(half + jitter);
    stepMillis = Math.min(stepMillis * 2, MAX.toMillis());
    return wait;
  }

  /** Starts again from the first step (after a connection that joined). */
  public void reset() {
    stepMillis = FIRST.toMillis();
  }
}
