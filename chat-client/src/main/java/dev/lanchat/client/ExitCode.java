package dev.lanchat.client;

import dev.lanchat.client.session.Problem;

/** The client's exit codes, as listed at the foot of {@code --help}. */
public final class ExitCode {
  /** The user quit, or input ended and the server confirmed everything sent. */
  public static final int OK = 0;
  /** The connection could not be made or was lost, or no server answered discovery. */
  public static final int CONNECTION = 1;
  /** The command line was wrong, or several servers answered discovery and none was chosen. */
  public static final int USAGE = 2;
  /** The server is not trusted (unknown, changed key, bad signature, unusable pin file). */
  public static final int UNTRUSTED = 3;
  /**
   * The user stopped at a question (Ctrl-C or Ctrl-D at the trust or the name prompt): the same
   * code whichever prompt it was, as nothing was trusted or joined.
   */
  public static final int CANCELLED = UNTRUSTED;
  /** The server did not let us join (name taken or invalid, server full). */
  public static final int NOT_JOINED = 4;
  /**
   * Input was read to its end, but at least one line failed: not sent (unknown command, refused
   * text) or refused by the server (no such user); each error named its input line.
   */
  public static final int LINE_FAILED = 5;

  /**
   * The join code did not match: mistyped, expired or used up, or someone intercepted the
   * connection. Nothing was pinned.
   */
  public static final int CODE_MISMATCH = 6;

  private ExitCode() {}

  /** A server that fails to prove its key is not trusted; other problems are the connection's. */
  static int of(Problem problem) {
    return switch (problem.kind()) {
      case NOT_AUTHENTIC -> UNTRUSTED;
      case CODE_MISMATCH -> CODE_MISMATCH;
      case CONNECT, HANDSHAKE, LOST -> CONNECTION;
    };
  }
}
