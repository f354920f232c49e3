package dev.lanchat.server;

import java.util.List;

/**
 * What a {@link Room} needs of a member's connection, and nothing more: a queue to offer encoded
 * events to, and a way to hear that it was removed.
 *
 * <p>Knowing only this interface is what lets a room be tested in memory, and keeps the room
 * from reaching back into sockets.
 */
interface Subscriber {
  /**
   * Queues one encoded server message without blocking; the room calls it under its lock.
   *
   * @return false when the subscriber's backlog is full, so the room must remove it
   */
  boolean offer(byte[] encoded);

  /**
   * Queues one record that the room offers to every member at once, as {@link #offer(byte[])}
   * does; a connection's outbox counts such a record once in the server-wide budget however
   * many queues hold it.
   *
   * @return false when the subscriber's backlog is full, so the room must remove it
   */
  default boolean offer(OutboundRecord shared) {
    return offer(shared.bytes());
  }

  /**
   * Queues several records every member gets, in order, as {@link #offer(OutboundRecord)} does
   * for each: the lines a room stored together. A connection takes them under one hold of its
   * outbox's lock.
   *
   * @return false when the backlog filled before the last was queued, so the room must remove
   *     it (the ones after the first refused are not queued)
   */
  default boolean offerAll(List<OutboundRecord> shared) {
    for (OutboundRecord record : shared) {
      if (!offer(record)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Tells the subscriber that the room removed it (its backlog overflowed). The room calls it
   * after releasing its lock, so the subscriber may close its socket here.
   *
   * @param reason the LEFT reason the other members were given
   */
  void evicted(String reason);
}
