package dev.lanchat.server;

/** What a {@link Room} did with one request of a member; the caller answers the client. */
sealed interface RoomResult {
  /** Done: the event went to the members (or, for WHO, the roster to the asker). */
  record Done() implements RoomResult {}

  /** The client sent this message id before: dropped without an answer (protocol: SAY id). */
  record Repeat() implements RoomResult {}

  /** The room-wide budget refused a SAY or ME: nothing was sent (RATE_LIMITED). */
  record Busy() implements RoomResult {}

  /** The store could not keep the event: nothing was sent (STORE_FAILED). */
  record StoreFailed() implements RoomResult {}

  /** The client is not in this room (NOT_IN_ROOM). */
  record NotMember() implements RoomResult {}

  /** The client entered the room; ENTERED, ROSTER and the history are queued. */
  record Entered() implements RoomResult {}

  /** The client is in the room already (ALREADY_IN_ROOM). */
  record AlreadyIn() implements RoomResult {}

  /**
   * The room emptied and left the registry before this request reached it, or the server is
   * shutting down: nothing happened, the registry tries a fresh room (or gives up when closed).
   */
  record Gone() implements RoomResult {}
}
