package dev.lanchat.common.message;

import java.util.Optional;

/** The error codes an ERROR message carries (protocol §4.4). */
public enum ErrorCode {
  NAME_TAKEN(1),
  NAME_INVALID(2),
  NO_SUCH_USER(3),
  TEXT_INVALID(4),
  TEXT_TOO_LONG(5),
  RATE_LIMITED(6),
  SERVER_FULL(7),
  NOT_JOINED(8),
  ALREADY_JOINED(9),
  /** CLIENT_AUTH carried a malformed key or a signature that does not verify. */
  AUTH_FAILED(10),
  /** The client's first record was not CLIENT_AUTH. */
  AUTH_REQUIRED(11),
  /** JOIN named a name bound to another key. */
  NAME_BOUND(12),
  /** The server admits only allowed keys, and the client's is not one. */
  NOT_ALLOWED(13),
  /** A join-code exchange did not match: a wrong, expired, revoked or used-up code. */
  JOIN_CODE_FAILED(14),
  /** A room name that breaks the room-name rule. */
  ROOM_INVALID(15),
  /** SAY, ME, WHO, PART, TOPIC or SIGNED_HEAD for a room the client is not in. */
  NOT_IN_ROOM(16),
  /** ENTER of a room the client is already in. */
  ALREADY_IN_ROOM(17),
  /** The server's room limit or the per-client room limit is reached; the text says which. */
  TOO_MANY_ROOMS(18),
  /** The recipient's offline box is full, or the server keeps no messages. */
  OFFLINE_FULL(19),
  /** The server could not write the event to its store; nothing was sent. */
  STORE_FAILED(20),
  /**
   * An E2E_KEY that is not the client's own, does not verify, has expired or goes back in serial;
   * or ENTER of an end-to-end room by a client that has published no key yet.
   */
  E2E_KEY_INVALID(21),
  /**
   * SAY or ME in an end-to-end room, E2E_SAY in a room that is not end-to-end, or ENTER asking
   * for end-to-end of a room that exists and is not.
   */
  E2E_MISMATCH(22);

  private final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  /** The u16 on the wire. */
  public int code() {
    return code;
  }

  /** The code with this number, if this version knows it. */
  public static Optional<ErrorCode> of(int code) {
    for (ErrorCode c : values()) {
      if (c.code == code) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
