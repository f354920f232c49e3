package dev.lanchat.server;

import java.util.concurrent.Semaphore;

/**
 * One connection's lines (SAY, ME, E2E_SAY) that its rooms have not answered yet. The reader
 * hands a line to its room and reads on, so that under load one sender's lines queue with
 * everyone else's for the room's next transaction (group commit, {@link WaitingLines}) instead
 * of one at a time; while nothing waits, a line is stored at once, as before.
 *
 * <p>At most {@link #MOST_LINES} lines and {@link #MOST_BYTES} bytes of theirs wait (a line
 * counts as at least {@link #MOST_BYTES} / {@link #MOST_LINES} bytes): past that the reader
 * stops reading until the oldest is answered, and TCP slows the client. Anything else the
 * client sends waits until every earlier line is answered, and so does the end of its session,
 * so a client's messages still take effect in the order it sent them: a PART after a SAY leaves
 * after the line was stored, a PONG answers everything before its PING, and a line sent just
 * before BYE is kept.
 *
 * <p>Thread-safe: the reader reserves and waits, the rooms' threads settle.
 */
final class PendingLines {
  /** Most lines of one connection waiting for their rooms at once. */
  static final int MOST_LINES = 16;
  /** Most bytes of line (text, or sealed room message) of one connection waiting at once. */
  static final int MOST_BYTES = 64 << 10;

  private static final int LEAST_COST = MOST_BYTES / MOST_LINES;

  private final Semaphore free = new Semaphore(MOST_BYTES);

  /** What a line of {@code bytes} holds of the connection's places. */
  private static int cost(int bytes) {
    return Math.min(Math.max(bytes, LEAST_COST), MOST_BYTES);
  }

  /**
   * Takes the places of one more line of {@code bytes}, waiting while too many wait already.
   *
   * @return the places taken, which {@link #settled} gives back
   */
  int reserve(int bytes) {
    int cost = cost(bytes);
    free.acquireUninterruptibly(cost);
    return cost;
  }

  /** A line was answered: its {@code cost} in places is free again. */
  void settled(int cost) {
    free.release(cost);
  }

  /** Waits until every line reserved so far has been answered. */
  void awaitNone() {
    free.acquireUninterruptibly(MOST_BYTES);
    free.release(MOST_BYTES);
  }
}
