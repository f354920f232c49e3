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
 */
public record StoredRoom(String name, long lastEventId, ByteString head, String topic) {
  public StoredRoom {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(topic, "topic");
  }
}
