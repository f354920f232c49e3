package dev.lanchat.server;

import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.ServerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * The members' lines (SAY, ME, E2E_SAY) that wait for their room's lock. Whoever takes the lock
 * next takes every line waiting, its own and the ones that queued behind it, and the room
 * stores them in one transaction and offers them together (group commit): under a steady pace
 * the store's per-transaction cost is paid once for all the lines that arrived while the
 * previous one was being written, and a quiet room's line still goes alone, at once.
 *
 * <p>Bounded without a cap of its own: a connection's reader waits for its line's result
 * before it reads its next frame, so each connection has at most one line here.
 *
 * <p>Thread-safe: lines are added by any thread; they are taken and answered under the room's
 * lock, and each line's sender waits for its answer without taking that lock again (so a
 * holder that stored a hundred lines does not hand the lock a hundred times to senders that
 * only come to read their answers).
 */
final class WaitingLines {
  /** Most lines stored in one transaction; the rest wait for the next holder of the lock. */
  static final int MOST_AT_ONCE = 256;

  private final ConcurrentLinkedQueue<Line> queue = new ConcurrentLinkedQueue<>();

  /** One member's line, waiting until the room has stored it or turned it down. */
  static final class Line {
    private final Member from;
    private final long clientId;
    private final BiFunction<EventHeader, String, ServerMessage.Event> build;
    private final Thread sender = Thread.currentThread();
    private volatile RoomResult result;
    private volatile boolean promoted;

    private Line(Member from, long clientId,
        BiFunction<EventHeader, String, ServerMessage.Event> build) {
      this.from = from;
      this.clientId = clientId;
      this.build = build;
    }

    /** The member that sent it. */
    Member from() {
      return from;
    }

    /** The sender's client message id. */
    long clientId() {
      return clientId;
    }

    /** Makes the event from its envelope and the sender's name. */
    ServerMessage.Event build(EventHeader header, String by) {
      return build.apply(header, by);
    }

    /**
     * Called by the thread that queued it: waits until the room has answered it, or until a
     * holder of the lock that stopped taking lines asks this sender to take them on.
     *
     * @return the answer, or empty when this sender is to store the waiting lines itself
     */
    Optional<RoomResult> await() {
      while (result == null && !promoted) {
        LockSupport.park(this); // unparked by answer or promote; a spurious wake loops
      }
      promoted = false;
      return Optional.ofNullable(result);
    }

    /** Answers it, once, and wakes its sender. Room lock held. */
    void answer(RoomResult done) {
      if (result == null) {
        result = done;
        LockSupport.unpark(sender);
      }
    }

    /** Asks its sender to store the waiting lines itself. */
    void promote() {
      promoted = true;
      LockSupport.unpark(sender);
    }

    /** Answers STORE_FAILED unless it was answered: the room failed midway. Room lock held. */
    void answerIfUnanswered() {
      answer(new RoomResult.StoreFailed());
    }
  }

  /** Queues a line from {@code from}; its sender then takes the room's lock. */
  Line add(Member from, long clientId,
      BiFunction<EventHeader, String, ServerMessage.Event> build) {
    Line line = new Line(from, clientId, build);
    queue.add(line);
    return line;
  }

  /** Whether any line waits now. */
  boolean any() {
    return !queue.isEmpty();
  }

  /** Asks the sender of the oldest waiting line, if any, to store the waiting lines. */
  void promoteOldest() {
    Line oldest = queue.peek();
    if (oldest != null) {
      oldest.promote();
    }
  }

  /** How many lines wait now (for tests: it walks the queue). */
  int size() {
    return queue.size();
  }

  /** The lines waiting, oldest first, at most {@link #MOST_AT_ONCE}. Room lock held. */
  List<Line> take() {
    List<Line> taken = new ArrayList<>();
    Line next;
    while (taken.size() < MOST_AT_ONCE && (next = queue.poll()) != null) {
      taken.add(next);
    }
    return taken;
  }
}
