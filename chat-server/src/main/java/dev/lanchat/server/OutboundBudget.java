package dev.lanchat.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide budget of bytes waiting to be written, above every connection's own backlog
 * (protocol §7, "outbound bytes, all clients"): without it, 1,000 clients that never read could
 * each pin their full backlog.
 *
 * <p>It counts memory: an {@link OutboundRecord} held by many queues (a room's fan-out) counts
 * once, from its first holder to its last. When the budget is spent, a queue that already holds
 * more than {@link #RESERVE} bytes (its own count, every record at its full length) is refused,
 * and the room removes that client as too slow; a queue holding less is still served, so
 * clients that keep up are never removed because others do not. The bytes held are therefore
 * at most {@code limit + clients × RESERVE}, plus the final messages of closing connections.
 *
 * <p>Thread-safe and lock-free.
 */
final class OutboundBudget {
  /** What a queue may hold whatever the budget, so a client that keeps up is never refused. */
  static final long RESERVE = 32 << 10;

  private final long limit;
  private final AtomicLong used = new AtomicLong();

  /** @param limit the bytes all queues together may hold (beyond their reserves) */
  OutboundBudget(long limit) {
    this.limit = limit;
  }

  /** A budget that never refuses (tests of one outbox). */
  static OutboundBudget unlimited() {
    return new OutboundBudget(Long.MAX_VALUE);
  }

  /**
   * Takes {@code record} for a queue that holds {@code held} bytes already.
   *
   * @return false when the budget is spent and that queue holds more than its reserve
   */
  boolean tryTake(OutboundRecord record, long held) {
    // a record other queues hold adds no memory; without a lock, offers racing on other threads
    // may each pass the limit by one record, as the reserves already may
    long adds = record.unheld() ? record.length() : 0;
    if (used.get() > limit - adds && held + record.length() > RESERVE) {
      return false;
    }
    take(record);
    return true;
  }

  /** Takes {@code record} whatever the budget (a closing connection's last message). */
  void take(OutboundRecord record) {
    if (record.hold()) {
      used.addAndGet(record.length());
    }
  }

  /** Gives back one queue's hold of {@code record}, written or dropped. */
  void give(OutboundRecord record) {
    if (record.release()) {
      used.addAndGet(-record.length());
    }
  }

  /** The bytes taken now. */
  long used() {
    return used.get();
  }
}
