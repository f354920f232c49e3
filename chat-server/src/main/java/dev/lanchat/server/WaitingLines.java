package dev.lanchat.server;

import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.ServerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The members' lines (SAY, ME, E2E_SAY) that wait for their room's lock. Whoever takes the lock
 * next takes every line waiting, its own and the ones that queued behind it, and the room
 * stores them in one transaction and offers them together (group commit): under a steady pace
 * the store's per-transaction cost is paid once for all the lines that arrived while the
 * previous one was being written, and a quiet room's line still goes alone, at once.
 *
 * <p>Bounded by {@link PendingLines}: a connection has at most {@link PendingLines#MOST_LINES}
 * lines here. Nobody waits on a line: the room answers it through its {@link LineReply}.
 *
 * <p>Thread-safe: lines are added by any thread; they are taken and answered under the room's
 * lock.
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
    private final LineReply reply;
    private RoomResult result;

    private Line(Member from, long clientId,
        BiFunction<EventHeader, String, ServerMessage.Event> build, LineReply reply) {
      this.from = from;
      this.clientId = clientId;
      this.build = build;
      this.reply = reply;
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

    /** Answers it, once; a later answer is ignored. Room lock held. */
    void answer(RoomResult done) {
      if (result == null) {
        result = done;
      }
    }

    /**
     * Tells the sender: answers STORE_FAILED unless it was answered (the room failed midway),
     * gives {@code offerError} the sender's ERROR if the answer has one, then settles the line.
     * Room lock held, after the line's event went out.
     */
    void tell(Consumer<byte[]> offerError) {
      answer(new RoomResult.StoreFailed());
      try {
        reply.errorFor(result).ifPresent(offerError);
      } finally {
        reply.settled(); // a bug must not hang a sender
      }
    }
  }

  /** Queues a line from {@code from}, answered through {@code reply}. */
  void add(Member from, long clientId,
      BiFunction<EventHeader, String, ServerMessage.Event> build, LineReply reply) {
    queue.add(new Line(from, clientId, build, reply));
  }

  /** Whether any line waits now. */
  boolean any() {
    return !queue.isEmpty();
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
