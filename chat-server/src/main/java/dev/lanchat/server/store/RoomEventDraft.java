package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.RoomEvent;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.rules.RoomNames;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A room event about to be written, before it has an id: what {@link History#append} needs
 * besides the encoding itself, including what the room chain hashes (protocol "Room chain":
 * sender, room, id, time, type and payload).
 *
 * @param room the room's name as the room spells it (the spelling that created it); the store
 *     files the event under the room's skeleton
 * @param time the event's time, ms since 1970, as the event carries it
 * @param type the event's message type byte (MESSAGE, JOINED, LEFT, …)
 * @param sender the key of the member who caused it or whom it is about; empty for the server's
 *     own events (the chain then hashes {@link RoomEvent#SERVER})
 * @param payload the type's fields as the event message carries them after its envelope
 * @param clientMessageId the id the sender's client chose for it (SAY, ME), when it carries one:
 *     a second event with the same sender and id is a repeat and is dropped
 */
public record RoomEventDraft(String room, long time, int type, Optional<ByteString> sender,
    ByteString payload, OptionalLong clientMessageId) {
  /** An empty payload, for events whose content the caller does not hash (tests). */
  private static final ByteString NOTHING = ByteString.copyOf(new byte[0]);

  /**
   * Checks every field.
   *
   * @throws IllegalArgumentException when the room name is not valid, the type is not a byte,
   *     a key is not 32 bytes, or a client message id comes without a sender
   */
  public RoomEventDraft {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(clientMessageId, "clientMessageId");
    RoomNames.skeleton(room);
    if (type < 0 || type > 255) {
      throw new IllegalArgumentException("an event type is one byte, not " + type);
    }
    if (sender.isPresent() && sender.get().size() != Ed25519.KEY_SIZE) {
      throw new IllegalArgumentException("a sender key is 32 bytes");
    }
    if (payload.size() > RoomEvent.MAX_PAYLOAD) {
      throw new IllegalArgumentException("a payload is at most " + RoomEvent.MAX_PAYLOAD);
    }
    if (clientMessageId.isPresent() && sender.isEmpty()) {
      throw new IllegalArgumentException("a client message id needs the sender's key");
    }
  }

  /** An event the server makes itself: no sender, no client message id, no payload. */
  public static RoomEventDraft ofServer(String room, long time, int type) {
    return new RoomEventDraft(room, time, type, Optional.empty(), NOTHING, OptionalLong.empty());
  }

  /** An event about a member (JOINED, LEFT, RENAMED, TOPIC): no client message id. */
  public static RoomEventDraft about(String room, long time, int type, ByteString member,
      ByteString payload) {
    return new RoomEventDraft(room, time, type, Optional.of(member), payload,
        OptionalLong.empty());
  }

  /** An event a member sent with a client message id (SAY, ME), without a payload (tests). */
  public static RoomEventDraft ofMember(String room, long time, int type, ByteString sender,
      long clientMessageId) {
    return ofMember(room, time, type, sender, clientMessageId, NOTHING);
  }

  /** An event a member sent with a client message id (SAY, ME). */
  public static RoomEventDraft ofMember(String room, long time, int type, ByteString sender,
      long clientMessageId, ByteString payload) {
    return new RoomEventDraft(room, time, type, Optional.of(sender), payload,
        OptionalLong.of(clientMessageId));
  }

  /** The chain's view of this event once it has {@code id}, in the room spelled {@code name}. */
  RoomEvent chainEvent(String name, long id) {
    return new RoomEvent(sender.orElse(RoomEvent.SERVER), name, id, time, type, payload);
  }
}
