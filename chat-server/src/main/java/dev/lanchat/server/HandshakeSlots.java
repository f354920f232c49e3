package dev.lanchat.server;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server-wide cap on connections still in the handshake ({@code --max-handshakes}), taken
 * before any key work. When every slot is held, a new connection displaces the oldest one, which
 * is closed: a genuine handshake on a LAN takes milliseconds, so the oldest is the likeliest to
 * be stalled on purpose, and an attacker cannot keep a genuine client out by holding slots, only
 * by opening connections faster than that client completes its handshake (which the per-source
 * connect rate limits).
 *
 * <p>Thread-safe: the accept loop enters, connections leave from their own threads.
 */
final class HandshakeSlots {
  /** One connection's slot; leaving twice is harmless. */
  final class Slot {
    private final Runnable displace;

    private Slot(Runnable displace) {
      this.displace = displace;
    }

    /** The handshake has ended (done, failed or displaced): frees the slot. */
    void leave() {
      lock.lock();
      try {
        held.remove(this);
      } finally {
        lock.unlock();
      }
    }
  }

  private final int max;
  private final ReentrantLock lock = new ReentrantLock();
  /** The slots held, oldest first. */
  private final LinkedHashSet<Slot> held = new LinkedHashSet<>();

  /** @param max most handshakes at once */
  HandshakeSlots(int max) {
    this.max = max;
  }

  /**
   * Takes a slot for a new connection, displacing the oldest when all are held.
   *
   * @param displace closes this connection if a later one displaces it; called on the thread
   *     that enters that later one, without any lock held
   */
  Slot enter(Runnable displace) {
    Slot slot = new Slot(displace);
    Optional<Slot> oldest = Optional.empty();
    lock.lock();
    try {
      if (held.size() >= max) {
        Slot first = held.iterator().next();
        held.remove(first);
        oldest = Optional.of(first);
      }
      held.add(slot);
    } finally {
      lock.unlock();
    }
    oldest.ifPresent(s -> s.displace.run());
    return slot;
  }

  /** How many slots are held. */
  int count() {
    lock.lock();
    try {
      return held.size();
    } finally {
      lock.unlock();
    }
  }
}
