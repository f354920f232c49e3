package dev.lanchat.client.session;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.message.ServerMessage;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;

/** How a started session ended; the first end wins. */
public sealed interface Ending {
  /** We said goodbye and the server confirmed everything sent before it. */
  record Left() implements Ending {}

  /** The server said goodbye. */
  record ServerBye(ServerMessage.Bye bye) implements Ending {}

  /** The connection failed, or the program stopped the session, for the reason given. */
  record Failed(String why) implements Ending {
    /** A started session's failed read, said as the user should read it. */
    static Failed readFailed(IOException e) {
      return new Failed(switch (e) {
        case EOFException eof -> "connection lost: the server closed the connection";
        case SocketTimeoutException timeout -> "connection lost: the server stopped answering";
        case ProtocolException p ->
            "connection closed: the server broke the protocol (" + Problem.describe(p) + ")";
        default -> "connection lost: " + Problem.describe(e);
      });
    }
  }
}
