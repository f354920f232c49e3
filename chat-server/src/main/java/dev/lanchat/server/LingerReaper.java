package dev.lanchat.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends the lingers of busy outbox writers that ran out ({@link WriterPacing}): one virtual
 * thread for every outbox in the JVM, which looks when the first linger ends (at most every
 * {@link #TICK}) while writers linger, and sleeps while none does. Each linger is looked at
 * once, when it is over, so a join storm's thousands of lingering writers cost it no scans.
 *
 * <p>A lingering writer parks without a timeout and is woken by the next offer or by this
 * reaper. A timed park would arm a timer in the virtual-thread scheduler for every linger and
 * cancel it at nearly every offer: at a high pace, hundreds of thousands a second, which cost the
 * scheduler's timer thread about 3 % of the carriers' CPU (docs/performance.md, "Lingers ended
 * by one reaper"). Here a linger costs one entry in a lock-free queue.
 *
 * <p>Thread-safe.
 */
final class LingerReaper {
  /** How often the reaper looks while some writer lingers. */
  private static final long TICK = TimeUnit.MILLISECONDS.toNanos(5);

  private static final LingerReaper SHARED = new LingerReaper("lanchat-linger-reaper");

  /** What holds a lingering writer: an outbox's {@link LingerSlot}. */
  interface Lingering {
    /** True while the linger {@code token} is under way (a look without the outbox's lock). */
    boolean lingers(Object token);

    /** The linger {@code token} ran out: the writer, if still in it, is woken to end. */
    void lingerEnded(Object token);
  }

  /** A linger that ends at {@code ends}, unless its writer was woken before. */
  private record Linger(Lingering slot, Object token, long ends) {}

  // one queue per length of linger, so each is in the order its lingers end (the server uses one
  // length, WriterPacing.DEFAULT's; tests use others)
  private final ConcurrentHashMap<Long, ConcurrentLinkedQueue<Linger>> byLength =
      new ConcurrentHashMap<>();
  private final AtomicBoolean idle = new AtomicBoolean();
  private final Thread thread;

  private LingerReaper(String name) {
    thread = Thread.ofVirtual().name(name).unstarted(this::run);
    thread.start();
  }

  /** The JVM's reaper. */
  static LingerReaper shared() {
    return SHARED;
  }

  /**
   * Ends the linger {@code token} of {@code slot}, which lasts {@code length} nanoseconds and ends
   * at {@code ends}, once it is over, unless the writer was woken before. Lingers of one length
   * are taken in the order they were added, which is the order they end but for writers that
   * raced to add: one may then end a few microseconds late.
   */
  void add(Lingering slot, Object token, long length, long ends) {
    byLength.computeIfAbsent(length, l -> new ConcurrentLinkedQueue<>())
        .add(new Linger(slot, token, ends));
    if (idle.get() && idle.compareAndSet(true, false)) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    while (true) {
      if (allEmpty()) {
        idle.set(true);
        if (allEmpty()) { // an add() after this sees idle and wakes us
          LockSupport.park(this);
        }
        idle.set(false);
        continue;
      }
      long now = System.nanoTime();
      long next = now + TICK;
      for (ConcurrentLinkedQueue<Linger> lingers : byLength.values()) {
        // in the order they end: each one is looked at once, when it is over
        Linger first;
        while ((first = lingers.peek()) != null && first.ends() - now <= 0) {
          lingers.poll();
          if (first.slot().lingers(first.token())) { // else an offer woke its writer before
            try {
              first.slot().lingerEnded(first.token());
            } catch (RuntimeException e) {
              // an outbox's own failure must not stop the reaper of every other
            }
          }
        }
        if (first != null && first.ends() - next < 0) {
          next = first.ends();
        }
      }
      LockSupport.parkNanos(this, next - now);
    }
  }

  private boolean allEmpty() {
    for (ConcurrentLinkedQueue<Linger> lingers : byLength.values()) {
      if (!lingers.isEmpty()) {
        return false;
      }
    }
    return true;
  }
}
