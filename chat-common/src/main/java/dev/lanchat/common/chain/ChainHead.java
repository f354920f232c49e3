package dev.lanchat.common.chain;

import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.bytes.ByteString;
import java.util.Objects;

/**
 * A room's chain head after a given event: what {@code /verify} shows as words and what a
 * member signs.
 *
 * @param room the room's name
 * @param id the id of the last event the head covers (0 only for the genesis head)
 * @param head the 32-byte head
 */
public record ChainHead(String room, long id, ByteString head) {
  /** Size of a head: one SHA-256. */
  public static final int SIZE = 32;

  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException when the room name is invalid, the id negative or the
   *     head not 32 bytes
   */
  public ChainHead {
    RoomNames.check(room);
    Objects.requireNonNull(head, "head");
    if (id < 0) {
      throw new IllegalArgumentException("an event id is not negative");
    }
    if (head.size() != SIZE) {
      throw new IllegalArgumentException("a head is 32 bytes, not " + head.size());
    }
  }
}
