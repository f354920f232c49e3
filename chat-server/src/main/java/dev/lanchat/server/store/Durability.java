package dev.lanchat.server.store;

/**
 * How much of a crash a committed write must survive: the one place that decides between
 * SQLite's {@code synchronous=NORMAL} and {@code FULL} for a transaction.
 *
 * <p>In WAL mode a commit writes its frames to the log file before it returns, under either
 * setting; FULL adds an fsync of the log per commit. So a commit under NORMAL is in the
 * operating system's cache when it returns, which survives a crash (SIGKILL) of the server
 * process but not a power failure or a kernel panic; FULL survives those too. An fsync of the
 * log also makes every earlier frame durable, so a FULL commit after NORMAL ones closes the
 * power-loss window for them as well; SQLite also syncs the log at every checkpoint.
 */
public enum Durability {
  /**
   * Survives a crash of the server process; on power loss the last commits before the most
   * recent fsync may be lost. For the high-rate writes whose promise is "an acknowledged message
   * survives a server crash": room events and the record of taken client message ids; and for
   * the last-seen time of a key that comes back under its own name (once per session, and a
   * power loss can only make it older).
   */
  PROCESS_CRASH("NORMAL"),

  /**
   * Survives power loss too: each commit is fsynced before it returns. For the rare writes whose
   * loss would matter more than a few seconds of chat: name bindings, the allowlist, invites,
   * DMs waiting for their recipients, and what retention deletes.
   */
  POWER_LOSS("FULL");

  private final String synchronous;

  Durability(String synchronous) {
    this.synchronous = synchronous;
  }

  /** The {@code PRAGMA synchronous} value that gives this durability in WAL mode. */
  String pragma() {
    return "PRAGMA synchronous = " + synchronous;
  }
}
