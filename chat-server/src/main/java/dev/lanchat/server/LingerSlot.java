package dev.lanchat.server;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One outbox writer's lingers ({@link WriterPacing}): whether a writer that finds its queue empty
 * lingers or ends, which writer lingers and in which linger, what the next offer wakes, and what
 * {@link LingerReaper} ends when its time is up. Guarded by the outbox's own lock, except where a
 * method says otherwise.
 *
 * <p>The writer's side, in its loop: after each batch {@link #wroteBatch}; when its queue is
 * empty and nothing else is to be done, {@link #lingerWhenEmpty} under the lock, and if that says
 * to linger, {@link #awaitWake} once the lock is released; on any other step {@link #release}
 * under the lock. The offering side: {@link #occupied} and {@link #release} under the lock, and
 * unparks the thread {@code release} returns once the lock is released.
 *
 * <p>Public for the no-crypto yardstick in chat-bench, whose writers must linger the same way:
 * one state machine for both, so they cannot drift apart.
 */
public final class LingerSlot implements LingerReaper.Lingering {
  /** One linger, until {@code ends} ({@link System#nanoTime}). */
  private static final class Linger {
    final long ends;

    Linger(long ends) {
      this.ends = ends;
    }
  }

  private final ReentrantLock lock;
  private final WriterPacing pacing;
  // guarded by lock
  private Thread writer;
  // written under lock, read by the reaper without it
  private volatile Linger token;
  // the running writer's own state, touched only by that thread (a writer that ends resets it
  // under the lock, which the next writer's start is ordered after)
  private int batches; // since the writer started or last lingered
  private Linger current; // the linger under way, until the next batch
  private boolean reaped; // whether the reaper was given current

  /**
   * @param lock the outbox's lock, which guards this slot
   * @param pacing when a writer lingers, and for how long
   */
  public LingerSlot(ReentrantLock lock, WriterPacing pacing) {
    this.lock = lock;
    this.pacing = pacing;
  }

  /** The writer's thread, after it wrote a batch: any linger under way is over. */
  public void wroteBatch() {
    batches++;
    current = null;
  }

  /**
   * Under the lock, on the writer's thread, when it found nothing to write and nothing else to
   * do: a busy writer (one that wrote {@link WriterPacing#lingerAfterBatches} batches since it
   * started or last lingered) begins a linger, and one woken early in a linger that is not over
   * goes on with it.
   *
   * @return true if the writer lingers now, and then calls {@link #awaitWake} outside the lock;
   *     false if it ends, its state reset for the next writer
   */
  public boolean lingerWhenEmpty() {
    long now = System.nanoTime();
    if (current == null && batches >= pacing.lingerAfterBatches() && !pacing.linger().isZero()) {
      current = new Linger(now + pacing.lingerNanos());
      reaped = false;
    } else if (current == null || current.ends - now <= 0) {
      current = null;
      batches = 0;
      return false;
    }
    // else a spurious wake: the same linger goes on
    writer = Thread.currentThread();
    token = current; // one write, so the reaper never sees a linger that goes on as ended
    return true;
  }

  /**
   * The writer's thread, outside the lock, after {@link #lingerWhenEmpty} said to linger: parks
   * until an offer, a finish or an abort wakes it, or the reaper once the linger is over. The
   * writer then looks again at what there is to do.
   */
  public void awaitWake() {
    if (!reaped) {
      reaped = true;
      batches = 0;
      LingerReaper.shared().add(this, current, pacing.lingerNanos(), current.ends);
    }
    LockSupport.park(this);
  }

  /** Under the lock: true while a writer lingers. */
  public boolean occupied() {
    return writer != null;
  }

  /** Under the lock: the lingering writer or null; it no longer lingers once the caller wakes it. */
  public Thread release() {
    Thread lingering = writer;
    writer = null;
    token = null;
    return lingering;
  }

  /** True while the linger {@code token} is under way (the reaper's look, without the lock). */
  @Override
  public boolean lingers(Object token) {
    return this.token == token;
  }

  /** The linger {@code token} ran out: the writer, if still in it, is woken to end. */
  @Override
  public void lingerEnded(Object token) {
    Thread lingering = null;
    lock.lock();
    try {
      if (lingers(token)) { // under the lock now: no offer can wake it meanwhile
        lingering = release();
      }
    } finally {
      lock.unlock();
    }
    if (lingering != null) {
      LockSupport.unpark(lingering);
    }
  }
}
