package dev.lanchat.server;

import dev.lanchat.common.rules.Texts;
import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * How a client's session ended: the LEFT reason and message the other members get, and the last
 * message the client gets, if any.
 *
 * @param leaveMessage the parting line of the client's BYE, {@code ""} when there is none
 */
record Ending(String leaveReason, String leaveMessage, Optional<ServerMessage> last) {
  /** The socket closed, broke, or the session never got far enough to say anything. */
  static final Ending LOST = new Ending(Room.CONNECTION_LOST, Optional.empty());
  /** The client said BYE without a parting line: LEFT with an empty reason. */
  static final Ending BYE = new Ending("", Optional.empty());
  /** The BYE for a client that did not join within the handshake timeout. */
  static final ServerMessage JOIN_TOO_LATE = new ServerMessage.Bye("took too long to join");

  /** An ending without a parting line. */
  Ending(String leaveReason, Optional<ServerMessage> last) {
    this(leaveReason, "", last);
  }

  /**
   * The client said BYE with {@code message}: LEFT with an empty reason and that message, or
   * none when it breaks the rule of protocol §4.2.
   */
  static Ending bye(String message) {
    return Texts.isValidShortText(message)
        ? new Ending("", message, Optional.empty()) : BYE;
  }

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
