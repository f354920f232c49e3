package dev.lanchat.server;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts clients past the handshake against the server's {@code --max-clients}: a client that
 * finds no free slot gets ERROR SERVER_FULL.
 *
 * <p>Thread-safe and lock-free.
 */
final class ClientSlots {
  private final int max;
  private final AtomicInteger taken = new AtomicInteger();

  ClientSlots(int max) {
    this.max = max;
  }

  /** Takes a slot; false when all {@code max} are taken. */
  boolean tryTake() {
    while (true) {
      int now = taken.get();
      if (now >= max) {
        return false;
      }
      if (taken.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Gives back a slot taken by {@link #tryTake}. */
  void release() {
    taken.decrementAndGet();
  }

  /** How many slots are taken. */
  int count() {
    return taken.get();
  }
}
