package dev.lanchat.client.session;

import dev.lanchat.common.message.ServerMessage;

/** The server's answer to one JOIN (protocol §5.1). */
public sealed interface JoinResult {
  /** Joined: the session may be started. */
  record Joined(ServerMessage.Welcome welcome) implements JoinResult {}

  /** Not joined, for the reason the server gave; a name problem allows another JOIN. */
  record Refused(ServerMessage.Error error) implements JoinResult {}

  /** The server said goodbye instead of answering. */
  record ServerBye(ServerMessage.Bye bye) implements JoinResult {}

  /**
   * The server closed the connection before answering: it may have stopped waiting while a
   * person answered a question, in which case a new session may join.
   */
  record Closed() implements JoinResult {}

  /** No answer in time, or the server broke the protocol. */
  record Failed(Problem problem) implements JoinResult {}
}
