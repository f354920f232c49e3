package dev.lanchat.server;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's life as one explicit state, HANDSHAKE → ESTABLISHED → JOINED → CLOSING →
 * CLOSED, moving forward only, together with its {@link Outbox} once the handshake has made one.
 *
 * <p>A close may begin before the outbox exists (the server shuts down mid-handshake); the final
 * message is then kept and queued the moment the outbox appears. One lock makes "a close began"
 * and "the outbox exists" a single step for each other, so that message is never lost or sent
 * twice. Thread-safe.
 */
final class Lifecycle {
  /** Where a connection is in its life. */
  enum State { HANDSHAKE, ESTABLISHED, JOINED, CLOSING, CLOSED }

  private final AtomicReference<State> state = new AtomicReference<>(State.HANDSHAKE);
  private final ReentrantLock lock = new ReentrantLock();
  private byte[] pendingLast;
  private volatile Outbox outbox;

  /** The current state. */
  State state() {
    return state.get();
  }

  /** True from CLOSING on. */
  boolean isClosing() {
    return state.get().compareTo(State.CLOSING) >= 0;
  }

  /**
   * Publishes the outbox after the handshake: ESTABLISHED, or, when a close began meanwhile, the
   * outbox is finished at once with the pending last message.
   *
   * @return true when the connection is ESTABLISHED
   */
  boolean establish(Outbox box) {
    lock.lock();
    try {
      outbox = box;
      if (state.compareAndSet(State.HANDSHAKE, State.ESTABLISHED)) {
        return true;
      }
      box.finish(pendingLast);
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** ESTABLISHED → JOINED; false if a close began first. */
  boolean joined() {
    return state.compareAndSet(State.ESTABLISHED, State.JOINED);
  }

  /** True once a handshake has made an outbox. */
  boolean hasOutbox() {
    return outbox != null;
  }

  /** Queues an encoded message; false only when the backlog is full. */
  boolean offer(byte[] encoded) {
    Outbox box = outbox;
    return box == null || box.offer(encoded);
  }

  /** Queues a record other queues hold too; false only when the backlog is full. */
  boolean offer(OutboundRecord shared) {
    Outbox box = outbox;
    return box == null || box.offer(shared);
  }

  /** Queues records other queues hold too, in order; false only when the backlog filled. */
  boolean offerAll(List<OutboundRecord> shared) {
    Outbox box = outbox;
    return box == null || box.offerAll(shared);
  }

  /**
   * Begins a graceful close: {@code last} (if not null) is queued after everything else and the
   * outbox flushed.
   *
   * @return true if this call began the close (false if one had begun already)
   */
  boolean beginClose(byte[] last) {
    lock.lock();
    try {
      if (!moveToClosing()) {
        return false;
      }
      Outbox box = outbox;
      if (box == null) {
        pendingLast = last; // still in the handshake: establish() queues it
      } else {
        box.finish(last);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Begins an abrupt close: whatever is queued is dropped.
   *
   * @return true if this call began the close
   */
  boolean abort() {
    if (!moveToClosing()) {
      return false;
    }
    Outbox box = outbox;
    if (box != null) {
      box.abort();
    }
    return true;
  }

  /** The connection is over. */
  void closed() {
    state.set(State.CLOSED);
  }

  /**
   * Waits until the outbox's writer has stopped.
   *
   * @return false if it had not stopped in time (true when there never was an outbox)
   */
  boolean awaitFlushed(long timeout, TimeUnit unit) throws InterruptedException {
    Outbox box = outbox;
    return box == null || box.awaitDone(timeout, unit);
  }

  private boolean moveToClosing() {
    State s;
    do {
      s = state.get();
      if (s.compareTo(State.CLOSING) >= 0) {
        return false;
      }
    } while (!state.compareAndSet(s, State.CLOSING));
    return true;
  }
}
