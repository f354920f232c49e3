package dev.lanchat.client.session;

import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ServerMessage;
import java.util.List;

/** The rooms a conversation is in and the last event seen in each (filled in with rooms). */
public final class RoomCursors {
  /** True when {@code message} has not been shown before. */
  boolean fresh(ServerMessage message) {
    return message != null;
  }

  /** The ENTERs that take a new session back into every room. */
  List<ClientMessage> reentries() {
    return List.of();
  }
}
