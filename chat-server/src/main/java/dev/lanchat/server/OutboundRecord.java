package dev.lanchat.server;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One encoded message waiting in one or more outbound queues, with the count of queues that
 * hold it, so the server-wide {@link OutboundBudget} counts its bytes once however many queues
 * hold it.
 *
 * <p>A room's fan-out offers one record to every member (in a join storm, every flush goes to
 * thousands of queues at once): counted once per queue, one 20 KB flush in 6,000 queues would
 * spend 120 MB of a budget that is there to bound memory, while the server holds 20 KB. Each
 * queue's own backlog still counts the full length, so a client that never reads is still
 * removed when its own backlog is full.
 *
 * <p>Thread-safe: queues take and give it from the room's thread and their writers.
 */
final class OutboundRecord {
  private final byte[] bytes;
  private final AtomicInteger holders = new AtomicInteger();

  /** @param bytes the encoded message; never changed afterwards */
  OutboundRecord(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The encoded message (shared, not copied: nobody may change it). */
  byte[] bytes() {
    return bytes;
  }

  int length() {
    return bytes.length;
  }

  /** True when no queue holds it now: the next holder brings its bytes into the budget. */
  boolean unheld() {
    return holders.get() == 0;
  }

  /** One more queue holds it; true if it is the only one (its bytes now count). */
  boolean hold() {
    return holders.getAndIncrement() == 0;
  }

  /** One queue fewer holds it; true if none does any more (its bytes no longer count). */
  boolean release() {
    return holders.decrementAndGet() == 0;
  }
}
