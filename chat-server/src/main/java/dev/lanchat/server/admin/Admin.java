package dev.lanchat.server.admin;

import dev.lanchat.server.store.KeyFingerprint;
import dev.lanchat.server.store.Store;
import dev.lanchat.server.store.StoreException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * What the admin commands share: their exit codes, opening the store with a one-line error,
 * reading a fingerprint argument, and how they print a time.
 */
final class Admin {
  /** The change was made, or the listing printed. */
  static final int OK = 0;
  /** The store cannot be opened, read or written. */
  static final int STORE_FAILED = 1;
  /** Nothing was changed: the name is not bound, the key is not allowed, the name is taken. */
  static final int REFUSED = 3;

  /** How every admin command prints a time: to the second, in UTC, saying so. */
  static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  /** The work a command does with an open store. */
  @FunctionalInterface
  interface Action {
    /**
     * Runs against {@code store}; returns the exit code.
     *
     * @throws StoreException if the store fails
     */
    int run(Store store, PrintWriter out, PrintWriter err) throws StoreException;
  }

  private Admin() {}

  /**
   * Opens the store in {@code data} (creating it only when {@code create} is set), runs {@code
   * action}, and turns a store failure into one line on stderr and exit code 1.
   */
  static int withStore(CommandSpec spec, DataOption data, boolean create, Action action) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Store store = Store.openForAdmin(data.file, create, Clock.systemUTC())) {
      int code = action.run(store, out, err);
      out.flush();
      err.flush();
      return code;
    } catch (StoreException e) {
      err.println(prefix(spec) + e.getMessage());
      err.flush();
      return STORE_FAILED;
    }
  }

  /**
   * Reads a {@code SHA256:…} argument.
   *
   * @throws ParameterException if it is not a fingerprint
   */
  static KeyFingerprint fingerprint(CommandSpec spec, String text) {
    try {
      return KeyFingerprint.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "'" + text + "' is not a key fingerprint: "
          + e.getMessage());
    }
  }

  /** {@code chat-server NAME: }, to start an error line. */
  static String prefix(CommandSpec spec) {
    return spec.qualifiedName() + ": ";
  }
}
