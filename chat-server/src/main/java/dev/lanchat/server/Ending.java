package dev.lanchat.server;

import dev.lanchat.common.message.ServerMessage;
import java.util.Optional;

/**
 * How a client's session ended: the LEFT reason the other members get, and the last message the
 * client gets, if any.
 */
record Ending(String leaveReason, Optional<ServerMessage> last) {
  /** The socket closed, broke, or the session never got far enough to say anything. */
  static final Ending LOST = new Ending(Room.CONNECTION_LOST, Optional.empty());
  /** The client said BYE: LEFT with an empty reason. */
  static final Ending BYE = new Ending("", Optional.empty());
}
