package dev.lanchat.client;

import dev.lanchat.client.DiscoveryClient.Found;
import dev.lanchat.common.rules.TerminalText;
import dev.lanchat.common.trust.KnownServers;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Turns the servers that answered discovery (protocol §8) into what the user sees and what the
 * client connects to: the {@code --discover} listing, or the one server to join when no
 * {@code --host} was given (the only one that answered, or the one the person picks by number).
 *
 * <p>A reply is only a hint; trust is still decided by the handshake and {@link PinCheck}. One
 * rule links the two: a key already pinned under another {@code host:port} (a server whose
 * address changed) becomes the expected fingerprint for the new address, as if {@code
 * --fingerprint} had been given, so SERVER_AUTH must prove that very key and the new address
 * then gets pinned.
 *
 * <p>Not thread-safe; used once, before the session starts.
 */
public final class ServerFinder {
  /** What to say when nobody answered. */
  static final String NONE_ANSWERED =
      "! no LanChat server answered on the local network; start one or pass --host";

  private final KnownServers known;
  private final Console console;

  /** What to do after discovery. */
  public sealed interface Choice {
    /**
     * Connect to {@code server}.
     *
     * @param expectedFingerprint the fingerprint the handshake must prove (the server moved
     *     from a pinned address), or null to apply the ordinary pin rules
     */
    record Connect(Found server, String expectedFingerprint) implements Choice {
      public Connect {
        Objects.requireNonNull(server, "server");
      }
    }

    /** Connect to nothing and exit with {@code exitCode} ({@link ExitCode}); the user was told. */
    record Stop(int exitCode) implements Choice {}
  }

  /**
   * @param known the pins the found keys are compared with
   * @param console where the list, notices and the question go
   */
  public ServerFinder(KnownServers known, Console console) {
    this.known = Objects.requireNonNull(known, "known");
    this.console = Objects.requireNonNull(console, "console");
  }

  /**
   * Shows every server found, one line each ({@link #describe}), as {@code --discover} does,
   * and returns the exit code: {@link ExitCode#OK}, or {@link ExitCode#CONNECTION} (with a
   * message) when nobody answered.
   */
  public int list(List<Found> found) {
    if (found.isEmpty()) {
      console.problem(NONE_ANSWERED);
      return ExitCode.CONNECTION;
    }
    for (Found server : found) {
      console.event(describe(server));
    }
    return ExitCode.OK;
  }

  /**
   * Picks the server to join: the only one found; else, at a terminal, the one whose number the
   * person types; else nothing (exit {@link ExitCode#USAGE}, listing them and asking for
   * {@code --host}). Nobody found is exit {@link ExitCode#CONNECTION}.
   *
   * @throws IOException if the answer cannot be read
   */
  public Choice choose(List<Found> found) throws IOException {
    if (found.isEmpty()) {
      console.problem(NONE_ANSWERED);
      return new Choice.Stop(ExitCode.CONNECTION);
    }
    if (found.size() == 1) {
      return connect(found.get(0));
    }
    if (!console.interactive()) {
      console.problem("! " + found.size() + " LanChat servers answered; pass --host (and --port)"
          + " to choose one:");
      for (Found server : found) {
        console.problem("  " + describe(server));
      }
      return new Choice.Stop(ExitCode.USAGE);
    }
    console.problem("* " + found.size() + " LanChat servers answered:");
    for (int i = 0; i < found.size(); i++) {
      console.problem("  " + (i + 1) + ") " + describe(found.get(i)));
    }
    while (true) {
      String answer = console.ask("Connect to which server? [1-" + found.size() + "] ");
      if (answer == null) {
        return new Choice.Stop(ExitCode.OK); // the person ended input: nothing to join
      }
      Integer number = parseNumber(answer.strip(), found.size());
      if (number != null) {
        return connect(found.get(number - 1));
      }
      console.problem("! type a number from 1 to " + found.size() + " (Ctrl-D to give up)");
    }
  }

  private static Integer parseNumber(String answer, int max) {
    if (!answer.matches("[0-9]{1,4}")) {
      return null;
    }
    int n = Integer.parseInt(answer);
    return n >= 1 && n <= max ? n : null;
  }

  private Choice connect(Found server) {
    if (server.pinning(known) == DiscoveryClient.Pinning.MOVED) {
      console.problem("* server " + server.displayName() + " (" + server.fingerprint()
          + ") moved from " + pinnedAddresses(server) + " to " + server.hostPort());
      return new Choice.Connect(server, server.fingerprint());
    }
    console.problem("* found " + server.displayName() + " at " + server.hostPort());
    return new Choice.Connect(server, null);
  }

  /**
   * One line about a found server: its name (terminal-safe), {@code address:port}, fingerprint
   * and how it relates to the pins, e.g. {@code lab  192.168.1.5:5000  SHA256:…  pinned}.
   */
  public String describe(Found server) {
    return server.displayName() + "  " + server.hostPort() + "  " + server.fingerprint() + "  "
        + pinStatus(server);
  }

  private String pinStatus(Found server) {
    return switch (server.pinning(known)) {
      case PINNED_HERE -> "pinned";
      case MOVED -> "pinned at " + pinnedAddresses(server) + " (moved)";
      case CONFLICT -> "CONFLICT: another key is pinned for this address";
      case UNKNOWN -> "not pinned";
    };
  }

  private String pinnedAddresses(Found server) {
    // host:port comes from the known-servers file, which the user may have edited by hand
    return server.pinnedAs(known).stream()
        .map(pin -> TerminalText.render(pin.hostPort()))
        .collect(Collectors.joining(", "));
  }
}
