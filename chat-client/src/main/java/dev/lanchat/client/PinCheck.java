package dev.lanchat.client;

import dev.lanchat.client.session.Problem;
import dev.lanchat.client.session.ServerTrust;
import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.common.trust.KnownServers;
import java.io.IOException;
import java.util.Locale;

/**
 * Decides whether to trust a server's key (protocol §6.4). A session asks after SERVER_AUTH has
 * verified and before anything encrypted is sent:
 *
 * <ul>
 *   <li>{@code --fingerprint} given: the key must have that fingerprint, whatever the file says;
 *       an unknown server is then pinned, an existing different pin is left alone (with a note).
 *   <li>pinned and equal: trusted.
 *   <li>pinned and different: refused loudly, with both fingerprints and the exact commands
 *       that make a confirmed change stick ({@code --forget}, or {@code --fingerprint} with
 *       {@code --replace-pin}).
 *   <li>{@code --fingerprint} with {@code --replace-pin}: a different pin is replaced, atomically.
 *   <li>unknown: pinned with {@code --accept-new}; asked y/N when interactive, again until the
 *       answer is yes or no; else refused.
 * </ul>
 *
 * Every refusal tells the user why. Not thread-safe; one decision at a time.
 */
public final class PinCheck implements ServerTrust {
  private static final Verdict TRUSTED = new Verdict.Trusted(false);
  private static final Verdict REFUSED = new Verdict.Refused();

  private final KnownServers known;
  private final String hostPort;
  private final String expected;
  private final boolean acceptNew;
  private final boolean replacePin;
  private final Console console;

  /**
   * @param expected the fingerprint given with {@code --fingerprint}, or null
   * @param acceptNew trust and pin an unknown server without asking
   */
  public PinCheck(KnownServers known, String hostPort, String expected, boolean acceptNew,
      Console console) {
    this(known, hostPort, expected, acceptNew, false, console);
  }

  /**
   * @param expected the fingerprint given with {@code --fingerprint}, or null
   * @param acceptNew trust and pin an unknown server without asking
   * @param replacePin with {@code expected}: replace a different pin by the matching key
   */
  public PinCheck(KnownServers known, String hostPort, String expected, boolean acceptNew,
      boolean replacePin, Console console) {
    this.known = known;
    this.hostPort = hostPort;
    this.expected = expected;
    this.acceptNew = acceptNew;
    this.replacePin = replacePin;
    this.console = console;
  }

  @Override
  public Verdict decide(byte[] serverKey) {
    String offered = Fingerprint.of(serverKey);
    KnownServers.Lookup lookup = known.check(hostPort, serverKey);
    if (expected != null) {
      return checkExpected(serverKey, offered, lookup);
    }
    return switch (lookup.outcome()) {
      case MATCH -> TRUSTED;
      case MISMATCH -> refuseChanged(offered, lookup.pin().orElseThrow());
      case UNKNOWN -> decideUnknown(serverKey, offered);
    };
  }

  private Verdict checkExpected(byte[] key, String offered, KnownServers.Lookup lookup) {
    if (!Fingerprint.matches(key, expected)) {
      problem("! the server at " + hostPort + " is not the one you expected: refusing to connect.",
          "!   expected (--fingerprint): " + expected,
          "!   offered by the server:    " + offered);
      return REFUSED;
    }
    return switch (lookup.outcome()) {
      case MATCH -> TRUSTED;
      case UNKNOWN -> pin(key, offered, false);
      case MISMATCH -> {
        if (replacePin) {
          yield replace(key, offered);
        }
        console.problem("* note: line " + lookup.pin().orElseThrow().line() + " of "
            + known.file() + " pins another key for " + hostPort
            + "; trusting --fingerprint and leaving that line as it is (add --replace-pin to "
            + "replace it)");
        yield TRUSTED;
      }
    };
  }

  private Verdict refuseChanged(String offered, KnownServers.Pin pin) {
    problem("! WARNING: the key of the server at " + hostPort + " has CHANGED. Refusing to connect.",
        "!   pinned:  " + pin.fingerprint(),
        "!   offered: " + offered,
        "! Someone may be pretending to be this server, or its key was replaced.",
        "! If its operator confirms the new fingerprint, pin it with:",
        "!   chat-client " + hostOptions() + " --fingerprint " + offered + " --replace-pin",
        "! or remove line " + pin.line() + " of " + known.file() + ", which this command does:",
        "!   chat-client --forget " + hostPort + knownServersOption());
    return REFUSED;
  }

  /** {@code --host H --port P} for this server, as a command would name it. */
  private String hostOptions() {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return "--host " + host + " --port " + hostPort.substring(colon + 1) + knownServersOption();
  }

  /** The file option, when the file is not the default one. */
  private String knownServersOption() {
    return known.file().equals(dev.lanchat.common.storage.LanchatHome.file("known_servers"))
        ? "" : " --known-servers " + known.file();
  }

  private Verdict replace(byte[] key, String offered) {
    try {
      known.pin(hostPort, key, true);
    } catch (IOException e) {
      console.problem("! cannot save the pin in " + known.file() + " (" + e.getMessage()
          + "); not connecting");
      return REFUSED;
    }
    console.problem("* replaced the pin of " + hostPort + " by " + offered + " in "
        + known.file());
    return TRUSTED;
  }

  private Verdict decideUnknown(byte[] key, String offered) {
    if (acceptNew) {
      return pin(key, offered, false);
    }
    if (!console.interactive()) {
      problem("! the server at " + hostPort + " is not known yet; its key fingerprint is " + offered,
          "! Not trusting it without asking. " + hint(offered));
      return REFUSED;
    }
    console.problem("* The server at " + hostPort + " is not known yet. Its key fingerprint is");
    console.problem("*   " + offered);
    console.problem("* Compare it with the fingerprint the server printed at start-up.");
    while (true) {
      String answer;
      try {
        answer = console.ask("Trust this server and remember its key? [y/N] ");
      } catch (IOException e) {
        console.problem("! cannot read input: " + Problem.describe(e));
        return REFUSED;
      }
      if (answer == null) { // Ctrl-C or Ctrl-D: the same way out a script is shown
        console.problem("! not trusted: not connecting. " + hint(offered));
        return REFUSED;
      }
      String said = answer.strip().toLowerCase(Locale.ROOT);
      if (said.equals("y") || said.equals("yes")) {
        break;
      }
      if (said.isEmpty() || said.equals("n") || said.equals("no")) {
        console.problem("! not trusted: not connecting");
        return REFUSED;
      }
      console.problem("! please answer yes or no"); // garbage asks again, as ssh does
    }
    return pin(key, offered, true);
  }

  private Verdict pin(byte[] key, String offered, boolean askedPerson) {
    try {
      known.pin(hostPort, key, false);
    } catch (IOException e) {
      console.problem("! cannot save the pin in " + known.file() + " (" + e.getMessage()
          + "); not connecting");
      return REFUSED;
    }
    console.problem("* trusting " + hostPort + " (" + offered + "); pinned in " + known.file());
    return new Verdict.Trusted(askedPerson);
  }

  private static String hint(String offered) {
    return "Check the fingerprint with the server's operator, then run again with --fingerprint "
        + offered + " (or --accept-new).";
  }

  private void problem(String... lines) {
    for (String line : lines) {
      console.problem(line);
    }
  }
}
