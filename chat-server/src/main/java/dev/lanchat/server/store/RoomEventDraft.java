package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Ed25519;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A room event about to be written, before it has an id: what {@link History#append} needs
 * besides the encoding itself.
 *
 * @param room the room's key in the rooms registry (its skeleton); 1 to 64 characters
 * @param time the event's time, ms since 1970, as the event carries it
 * @param type the event's message type byte (MESSAGE, JOINED, LEFT, …)
 * @param sender the key of the member who caused it; empty for the server's own events
 * @param clientMessageId the id the sender's client chose for it (SAY), when it carries one: a
 *     second event with the same sender and id is a repeat and is dropped
 */
public record RoomEventDraft(String room, long time, int type, Optional<ByteString> sender,
    OptionalLong clientMessageId) {
  /** Longest room key the store takes. */
  public static final int MAX_ROOM_LENGTH = 64;

  public RoomEventDraft {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(clientMessageId, "clientMessageId");
    if (room.isEmpty() || room.length() > MAX_ROOM_LENGTH) {
      throw new IllegalArgumentException("a room key is 1 to " + MAX_ROOM_LENGTH + " characters");
    }
    if (type < 0 || type > 255) {
      throw new IllegalArgumentException("an event type is one byte, not " + type);
    }
    if (sender.isPresent() && sender.get().size() != Ed25519.KEY_SIZE) {
      throw new IllegalArgumentException("a sender key is 32 bytes");
    }
    if (clientMessageId.isPresent() && sender.isEmpty()) {
      throw new IllegalArgumentException("a client message id needs the sender's key");
    }
  }

  /** An event the server makes itself (JOINED, LEFT, …): no sender, no client message id. */
  public static RoomEventDraft ofServer(String room, long time, int type) {
    return new RoomEventDraft(room, time, type, Optional.empty(), OptionalLong.empty());
  }

  /** An event a member sent with a client message id (SAY). */
  public static RoomEventDraft ofMember(String room, long time, int type, ByteString sender,
      long clientMessageId) {
    return new RoomEventDraft(room, time, type, Optional.of(sender),
        OptionalLong.of(clientMessageId));
  }
}
