package dev.lanchat.client.session;

import dev.lanchat.common.message.ServerMessage;

/** How a conversation kept by {@link Reconnector} ended for good. */
public sealed interface ConversationEnd {
  /** We said goodbye and the server confirmed everything sent. */
  record Left() implements ConversationEnd {}

  /** The user quit while disconnected; {@code unconfirmed} messages may not have arrived. */
  record Quit(int unconfirmed) implements ConversationEnd {}

  /**
   * The connection was lost and not restored ({@code how}); {@code gaveUp} when reconnecting
   * was tried for the whole time allowed.
   */
  record Lost(Ending how, boolean gaveUp, int unconfirmed) implements ConversationEnd {}

  /** Reconnecting found a server whose key is not trusted (the user was told why). */
  record NotTrusted() implements ConversationEnd {}

  /** Reconnecting failed in a way retrying cannot mend (the server's proof failed). */
  record Failed(Problem problem) implements ConversationEnd {}

  /** The server refused the name or the key on reconnecting. */
  record Refused(ServerMessage.Error error) implements ConversationEnd {}
}
