package dev.lanchat.common.chain;

import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One room event as the chain sees it: who it is from, which room, its event id and time, its
 * type, and its payload (for an end-to-end room, the ciphertext). {@link #canonical} gives the
 * bytes that the chain hashes.
 *
 * <p>What the payload holds for each message type is fixed by the wiring of the events (see
 * "Room chain" in docs/protocol.md); the chain treats it as opaque bytes.
 *
 * @param sender the Ed25519 key of the member the event comes from or is about, or {@link
 *     #SERVER} (32 zero bytes) for an event that no member caused
 * @param room the room's name, {@code #} and 1–32 ASCII letters, digits, {@code _}, {@code -}
 * @param id the event id the server assigned, 1 for a room's first event and one more for each
 *     next one
 * @param time the event's time as the server stamped it, a u64 carried bit for bit
 * @param type the event's type, 0–255
 * @param payload the event's content, at most {@link #MAX_PAYLOAD} bytes
 */
public record RoomEvent(ByteString sender, String room, long id, long time, int type,
    ByteString payload) {
  /** Size of a sender key. */
  public static final int KEY_SIZE = 32;

  /** Largest payload: no frame can carry more (protocol §1). */
  public static final int MAX_PAYLOAD = 65_536;

  /** The sender of events no member caused: 32 zero bytes. */
  public static final ByteString SERVER = ByteString.copyOf(new byte[KEY_SIZE]);

  /**
   * Checks every field.
   *
   * @throws IllegalArgumentException when a field is out of its range
   */
  public RoomEvent {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(payload, "payload");
    if (sender.size() != KEY_SIZE) {
      throw new IllegalArgumentException("a sender key is 32 bytes, not " + sender.size());
    }
    RoomNames.check(room);
    if (id < 1) {
      throw new IllegalArgumentException("event ids start at 1, not " + id);
    }
    if (type < 0 || type > 0xFF) {
      throw new IllegalArgumentException("an event type is 0 to 255, not " + type);
    }
    if (payload.size() > MAX_PAYLOAD) {
      throw new IllegalArgumentException("a payload is at most 65536 bytes");
    }
  }

  /**
   * The bytes the chain hashes: {@code sender[32] ‖ room: str ‖ id: u64 ‖ time: u64 ‖
   * type: u8 ‖ u32(length) ‖ payload}. Every variable field carries its length, so two
   * different events never share canonical bytes.
   */
  public byte[] canonical() {
    byte[] name = room.getBytes(StandardCharsets.US_ASCII);
    return new ByteWriter(KEY_SIZE + 2 + name.length + 8 + 8 + 1 + 4 + payload.size())
        .bytes(sender)
        .u16(name.length).bytes(name)
        .u64(id)
        .u64(time)
        .u8(type)
        .u32(payload.size()).bytes(payload)
        .toByteArray();
  }
}
