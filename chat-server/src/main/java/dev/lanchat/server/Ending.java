package dev.lanchat.server;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
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
  /** The BYE for a client that did not join within the handshake timeout. */
  static final ServerMessage JOIN_TOO_LATE = new ServerMessage.Bye("took too long to join");

  /**
   * The ending of a session whose read failed with {@code e} while nobody was closing it: a
   * timeout is "timed out" for a member and "took too long to join" before that; a protocol
   * error is said as such; anything else is a lost connection.
   */
  static Ending readFailed(IOException e, boolean joined, Duration idleTimeout) {
    if (e instanceof SocketTimeoutException) {
      return joined
          ? new Ending(Room.TIMED_OUT, Optional.of(new ServerMessage.Bye(
              "no message for " + Peers.seconds(idleTimeout) + " s: timed out")))
          : new Ending(Room.CONNECTION_LOST, Optional.of(JOIN_TOO_LATE));
    }
    if (e instanceof ProtocolException p) {
      return new Ending(Room.PROTOCOL_ERROR,
          Optional.of(new ServerMessage.Bye("protocol error: " + p.getMessage())));
    }
    return LOST;
  }
}
