package dev.lanchat.common.message;

import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.rules.RoomNames;
import java.util.Objects;

/**
 * One room as ROOM_LIST lists it (protocol §4.3): {@code room: str ‖ members: u32 ‖ topic: str}.
 *
 * @param room the room's name, valid
 * @param members how many members it has, a u32
 * @param topic its topic, empty for none
 */
public record RoomSummary(String room, long members, String topic) {
  public RoomSummary {
    RoomNames.check(room);
    Objects.requireNonNull(topic, "topic");
    if (members < 0 || members > ByteWriter.MAX_U32) {
      throw new IllegalArgumentException("a member count is a u32");
    }
  }
}
