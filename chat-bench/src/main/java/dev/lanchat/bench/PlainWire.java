package dev.lanchat.bench;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.ServerMessage;
import java.util.List;

/**
 * The few messages of the chat protocol the yardstick builds for a plaintext session, and the
 * room every load client enters, in one place, so a change of the wire is adapted here.
 */
final class PlainWire {
  /** The room every load client enters, as LanChat's own client does. */
  static final String ROOM = "#general";

  /** Head and sender of the yardstick's events: it keeps no chain and knows no keys. */
  private static final ByteString ZEROS = ByteString.copyOf(new byte[EventHeader.KEY_SIZE]);

  private PlainWire() {}

  /** The WELCOME the yardstick answers a JOIN with: no limits, one room at most. */
  static ServerMessage.Welcome welcome(String name) {
    return new ServerMessage.Welcome(name, "plain yardstick", "", 0, 0, 1);
  }

  /** ENTERED for the one room: no topic, no history. */
  static ServerMessage.Entered entered(int members) {
    return new ServerMessage.Entered(ROOM, "", members, 0, 0);
  }

  /** An empty last ROSTER page: the yardstick does not list members. */
  static ServerMessage.Roster roster() {
    return new ServerMessage.Roster(ROOM, false, List.of());
  }

  /** MESSAGE number {@code id} of the room, with a zero chain head and sender key. */
  static ServerMessage.Chat chat(long id, String from, String text) {
    return new ServerMessage.Chat(new EventHeader(ROOM, id, ZEROS, System.currentTimeMillis(),
        ZEROS), from, text);
  }
}
