package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;
import java.util.Objects;

/**
 * What the store keeps of a room between its members: the spelling that created it, its last
 * event id and chain head, and its topic. A room that empties keeps these, and entering it again
 * continues them.
 *
 * @param name the room's name as first spelled
 * @param lastEventId its last event id, 0 before its first event
 * @param head its chain head after that event (the genesis head before the first)
 * @param topic its topic, {@code ""} for none (always {@code ""} with {@code --history 0}, which
 *     keeps no text on disk)
 * @param endToEnd whether it was created end-to-end (for good: the flag never changes)
 */
public record StoredRoom(String name, long lastEventId, ByteString head, String topic,
    boolean endToEnd) {
  public StoredRoom {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(topic, "topic");
  }

  /** A room that is not end-to-end. */
  public StoredRoom(String name, long lastEventId, ByteString head, String topic) {
    this(name, lastEventId, head, topic, false);
  }
}
