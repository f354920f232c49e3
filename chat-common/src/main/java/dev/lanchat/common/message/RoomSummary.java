package dev.lanchat.common.message;

import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.rules.RoomNames;
import java.util.Objects;

/**
 * One room as ROOM_LIST lists it (protocol §4.3): {@code room: str ‖ members: u32 ‖ topic: str ‖
 * flags: u8}.
 *
 * @param room the room's name, valid
 * @param members how many members it has, a u32
 * @param topic its topic, empty for none
 * @param endToEnd whether the room is end-to-end (bit 0 of its flags)
 */
public record RoomSummary(String room, long members, String topic, boolean endToEnd) {
  public RoomSummary {
    RoomNames.check(room);
    Objects.requireNonNull(topic, "topic");
    if (members < 0 || members > ByteWriter.MAX_U32) {
      throw new IllegalArgumentException("a member count is a u32");
    }
  }

  /** A room that is not end-to-end. */
  public RoomSummary(String room, long members, String topic) {
    this(room, members, topic, false);
  }
}
