package dev.lanchat.client.session;

import dev.lanchat.common.message.ServerMessage;

/** How a started session ended; the first end wins. */
public sealed interface Ending {
  /** We said goodbye and the server confirmed everything sent before it. */
  record Left() implements Ending {}

  /** The server said goodbye. */
  record ServerBye(ServerMessage.Bye bye) implements Ending {}

  /** The connection failed, or the program stopped the session, for the reason given. */
  record Failed(String why) implements Ending {}
}
