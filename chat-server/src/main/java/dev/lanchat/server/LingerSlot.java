package dev.lanchat.server;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which writer of one outbox lingers, and in which linger: what the next offer wakes, and what
 * {@link LingerReaper} ends when its time is up. Guarded by the outbox's own lock, except {@link
 * #lingers}, the reaper's unlocked look.
 *
 * <p>Public for the no-crypto yardstick in chat-bench, whose writers must linger the same way.
 */
public final class LingerSlot {
  private final ReentrantLock lock;
  // guarded by lock
  private Thread writer;
  // written under lock, read by the reaper without it
  private volatile Object token;

  /** @param lock the outbox's lock, which guards this slot */
  public LingerSlot(ReentrantLock lock) {
    this.lock = lock;
  }

  /** Under the lock: the calling writer lingers now, in the linger {@code token}. */
  public void hold(Object token) {
    writer = Thread.currentThread();
    this.token = token; // one write, so the reaper never sees a linger that goes on as ended
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
  boolean lingers(Object token) {
    return this.token == token;
  }

  /** The linger {@code token} ran out: the writer, if still in it, is woken to end. */
  void lingerEnded(Object token) {
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
