package dev.lanchat.server;

/**
 * The outcome of {@link Room#join}: the caller, not the room, tells the client what went wrong.
 */
sealed interface JoinResult {
  /** The client is a member now; WELCOME and JOINED are queued. */
  record Joined(Member member) implements JoinResult {}

  /** The name breaks the name rules; {@code problem} says how, as a sentence part. */
  record NameInvalid(String problem) implements JoinResult {}

  /** A name with the same skeleton is held; {@code holder} is how its holder spells it. */
  record NameTaken(String holder) implements JoinResult {}

  /** The name belongs to another key (protocol §5.6). */
  record NameBound() implements JoinResult {}

  /** The server cannot read or write its store now, so it cannot tell whose the name is. */
  record Unavailable() implements JoinResult {}

  /**
   * Nothing happened for the client: the room is closed (server shutting down), or the client
   * overflowed its backlog while joining and was evicted at once.
   */
  record Closed() implements JoinResult {}
}
