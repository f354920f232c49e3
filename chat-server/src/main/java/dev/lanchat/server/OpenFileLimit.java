package dev.lanchat.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether this process may open a file for every connection the server's limits let in. Each
 * client is a socket, so a server started with {@code --max-clients 10000} under a limit of a
 * few thousand open files would fail to accept ("Too many open files") long before it answers
 * SERVER_FULL. The server checks once when it starts, warns, and serves anyway.
 */
final class OpenFileLimit {
  /**
   * Files a server holds besides its connections: the listening and discovery sockets, the store
   * and its log, the JDK's own jars and pollers; a round margin over what one was seen to hold.
   */
  static final int OWN_FILES = 64;

  private OpenFileLimit() {}

  /** The most files a server with these limits may hold at once. */
  static long needed(int maxClients, int maxHandshakes) {
    return (long) maxClients + maxHandshakes + OWN_FILES;
  }

  /**
   * The warning for a process that may open {@code limit} files, or empty when that is enough
   * or the limit is not known.
   */
  static Optional<String> warning(int maxClients, int maxHandshakes, OptionalLong limit) {
    long needed = needed(maxClients, maxHandshakes);
    if (limit.isEmpty() || limit.getAsLong() >= needed) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT,
        "--max-clients %,d and --max-handshakes %,d let in up to %,d connections, but this "
            + "process may open only %,d files: clients past that are refused at connect. Raise "
            + "the limit (ulimit -n %d in the shell that starts the server; LimitNOFILE=%d "
            + "for a systemd service) or lower --max-clients",
        maxClients, maxHandshakes, needed - OWN_FILES, limit.getAsLong(), needed, needed));
  }

  /** How many files this process may open, where the JDK can tell (Linux, macOS). */
  static OptionalLong ofThisProcess() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
      return OptionalLong.of(unix.getMaxFileDescriptorCount());
    }
    return OptionalLong.empty();
  }
}
