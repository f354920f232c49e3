package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;
import java.util.Objects;
import java.util.Optional;

/**
 * One room event as written: its id in the room's order, and the encoded message that went to
 * the members, so a replay sends exactly the bytes the live members got.
 *
 * @param room the room's key
 * @param eventId its id, strictly increasing within the room, from 1
 * @param time its time, ms since 1970
 * @param type its message type byte
 * @param sender the key of the member who caused it; empty for the server's own events
 * @param encoded the encoded message (the plaintext of one record)
 */
public record StoredEvent(String room, long eventId, long time, int type,
    Optional<ByteString> sender, ByteString encoded) {
  public StoredEvent {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(encoded, "encoded");
  }
}
