package dev.lanchat.client;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Lets the input side wait for the answer to the ENTER it sent last: the room entered with its
 * roster and history in, or an ERROR, or the session's end, or {@link #MAX_WAIT_MS}. So the
 * lines read after {@code /join} (or the first room) go to that room.
 *
 * <p>Thread-safe: the input thread waits while the session's reader thread settles.
 */
final class EnterWait {
  /** Longest wait for an ENTER's answer before reading on (a server answers at once). */
  static final long MAX_WAIT_MS = 15_000;

  private volatile CountDownLatch settled = new CountDownLatch(1);

  /** An ENTER is about to be sent. */
  void expect() {
    settled = new CountDownLatch(1);
  }

  /** The ENTER was answered (or cannot be any more). */
  void settle() {
    settled.countDown();
  }

  /**
   * Waits as the type says; {@code over} is polled, since a session may end without any event
   * reaching us.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  void await(BooleanSupplier over) throws InterruptedException {
    CountDownLatch latch = settled;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MS);
    while (!latch.await(100, TimeUnit.MILLISECONDS) && !over.getAsBoolean()
        && System.nanoTime() < deadline) {
      // polled again
    }
  }
}
