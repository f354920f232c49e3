package dev.lanchat.server;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends the lingers of busy outbox writers that ran out ({@link Outbox#LINGER}): one virtual
 * thread for every outbox in the JVM, which looks at most every {@link #TICK} while writers
 * linger and sleeps while none does.
 *
 * <p>A lingering writer parks without a timeout and is woken by the next offer or by this
 * reaper. A timed park would arm a timer in the virtual-thread scheduler for every linger and
 * cancel it at nearly every offer: at a high pace, hundreds of thousands a second, which cost the
 * scheduler's timer thread about 3 % of the carriers' CPU (docs/performance.md, "Lingers ended
 * by one reaper"). Here a linger costs one entry in a lock-free queue.
 *
 * <p>Public for the no-crypto yardstick in chat-bench, whose writers must linger the same way.
 *
 * <p>Thread-safe.
 */
public final class LingerReaper {
  /** How often the reaper looks while some writer lingers. */
  private static final long TICK = TimeUnit.MILLISECONDS.toNanos(5);

  private static final LingerReaper SHARED = new LingerReaper("lanchat-linger-reaper");

  /** What lingers: an outbox, whose writer the reaper wakes once its linger ran out. */
  public interface Lingering {
    /** True while the linger {@code token} is under way (asked without a lock). */
    boolean lingers(Object token);

    /** The linger {@code token} ran out: the writer, if still in it, is woken to end. */
    void lingerEnded(Object token);
  }

  /** A linger that ends at {@code ends}, unless its writer was woken before. */
  private record Linger(Lingering box, Object token, long ends) {}

  private final ConcurrentLinkedQueue<Linger> lingers = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean idle = new AtomicBoolean();
  private final Thread thread;

  private LingerReaper(String name) {
    thread = Thread.ofVirtual().name(name).unstarted(this::run);
    thread.start();
  }

  /** The JVM's reaper. */
  public static LingerReaper shared() {
    return SHARED;
  }

  /**
   * Ends {@code box}'s linger {@code token} at {@code ends} ({@link System#nanoTime}), by calling
   * {@link Lingering#lingerEnded} then, unless the writer was woken before.
   */
  public void add(Lingering box, Object token, long ends) {
    lingers.add(new Linger(box, token, ends));
    if (idle.get() && idle.compareAndSet(true, false)) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    while (true) {
      if (lingers.isEmpty()) {
        idle.set(true);
        if (lingers.isEmpty()) { // an add() after this sees idle and wakes us
          LockSupport.park(this);
        }
        idle.set(false);
        continue;
      }
      long now = System.nanoTime();
      long next = now + TICK;
      for (Iterator<Linger> i = lingers.iterator(); i.hasNext(); ) {
        Linger linger = i.next();
        if (!linger.box().lingers(linger.token())) {
          i.remove(); // its writer was woken before the end
        } else if (linger.ends() - now <= 0) {
          i.remove();
          try {
            linger.box().lingerEnded(linger.token());
          } catch (RuntimeException e) {
            // an outbox's own failure must not stop the reaper of every other
          }
        } else if (linger.ends() - next < 0) {
          next = linger.ends();
        }
      }
      LockSupport.parkNanos(this, next - now);
    }
  }
}
