package dev.lanchat.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How a busy outbox writer paces itself between batches: one that has written {@link
 * #lingerAfterBatches} batches since it started or last lingered is busy, and when it finds its
 * queue empty it lingers for up to {@link #linger}, so that the next offer wakes it instead of
 * starting a new thread (docs/performance.md, "A busy writer lingers").
 *
 * <p>Public for the no-crypto yardstick in chat-bench, whose writers must pace the same way: one
 * set of numbers for both, so they cannot drift apart.
 *
 * @param lingerAfterBatches batches written, since the writer started or last lingered, before
 *     it lingers
 * @param linger how long a busy writer waits for the next offer before it ends; zero: never
 */
public record WriterPacing(int lingerAfterBatches, Duration linger) {
  /** The server's pacing: a writer lingers up to 20 ms once it has written two batches. */
  public static final WriterPacing DEFAULT = new WriterPacing(2, Duration.ofMillis(20));

  /** Checks the values. */
  public WriterPacing {
    Objects.requireNonNull(linger, "linger");
    if (lingerAfterBatches < 1 || linger.isNegative()) {
      throw new IllegalArgumentException("pacing out of range");
    }
  }

  /** The same pacing with another linger (tests use a long or a short one). */
  public WriterPacing withLinger(Duration length) {
    return new WriterPacing(lingerAfterBatches, length);
  }

  /** {@link #linger} in nanoseconds. */
  public long lingerNanos() {
    return linger.toNanos();
  }
}
