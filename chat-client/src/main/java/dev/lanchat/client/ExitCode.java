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
  /** The server did not let us join (name taken or invalid, server full). */
  public static final int NOT_JOINED = 4;

  private ExitCode() {}
}
