package dev.lanchat.client;

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

  private ExitCode() {}
}
