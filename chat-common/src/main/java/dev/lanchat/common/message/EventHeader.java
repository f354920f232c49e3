package dev.lanchat.common.message;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHead;
import dev.lanchat.common.chain.RoomEvent;
import dev.lanchat.common.rules.RoomNames;
import java.util.Objects;

/**
 * The envelope every room event carries (protocol §4.3, "Event envelope"): {@code room: str ‖
 * id: u64 ‖ head[32] ‖ time: u64 ‖ sender[32]}, in that order on the wire.
 *
 * @param room the room the event belongs to, a valid room name
 * @param id the room's event id, 1 or more (a u64 up to 2^63 − 1)
 * @param head the room's chain head after this event
 * @param time the event's time in milliseconds since the epoch, carried bit for bit
 * @param sender the Ed25519 key of the member the event comes from or is about
 */
public record EventHeader(String room, long id, ByteString head, long time, ByteString sender) {
  /** Size of {@link #head()} and of {@link #sender()}. */
  public static final int KEY_SIZE = 32;

  /**
   * Checks every field.
   *
   * @throws IllegalArgumentException when a field is out of range
   */
  public EventHeader {
    RoomNames.check(room);
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(sender, "sender");
    if (id < 1) {
      throw new IllegalArgumentException("event ids start at 1 and fit in 63 bits, not " + id);
    }
    if (head.size() != ChainHead.SIZE || sender.size() != KEY_SIZE) {
      throw new IllegalArgumentException("head and sender are 32 bytes each");
    }
  }

  /** The chain's view of the event with this envelope, {@code type} and {@code payload}. */
  RoomEvent chainEvent(int type, byte[] payload) {
    return new RoomEvent(sender, room, id, time, type, ByteString.copyOf(payload));
  }
}
