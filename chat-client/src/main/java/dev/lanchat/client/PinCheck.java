package dev.lanchat.client;

import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.common.handshake.ServerKeyVerifier;
import dev.lanchat.common.trust.KnownServers;
import java.io.IOException;
import java.util.Locale;

/**
 * Decides whether to trust a server's key (protocol §6). It runs inside the handshake, after
 * SERVER_AUTH has verified and before anything encrypted is sent:
 *
 * <ul>
 *   <li>{@code --fingerprint} given: the key must have that fingerprint, whatever the file says;
 *       an unknown server is then pinned, an existing different pin is left alone (with a note).
 *   <li>pinned and equal: trusted.
 *   <li>pinned and different: refused loudly, with both fingerprints and the line to remove.
 *   <li>unknown: pinned with {@code --accept-new}; asked y/N when interactive; else refused.
 * </ul>
 *
 * Not thread-safe; one handshake at a time.
 */
public final class PinCheck implements ServerKeyVerifier {
  private final KnownServers known;
  private final String hostPort;
  private final String expected;
  private final boolean acceptNew;
  private final Console console;
  private boolean askedUser;

  /**
   * @param expected the fingerprint given with {@code --fingerprint}, or null
   * @param acceptNew trust and pin an unknown server without asking
   */
  public PinCheck(KnownServers known, String hostPort, String expected, boolean acceptNew,
      Console console) {
    this.known = known;
    this.hostPort = hostPort;
    this.expected = expected;
    this.acceptNew = acceptNew;
    this.console = console;
  }

  /** True once the user was asked whether to trust the server (which takes time). */
  public boolean askedUser() {
    return askedUser;
  }

  @Override
  public void verify(byte[] serverIdentity) throws IOException {
    String offered = Fingerprint.of(serverIdentity);
    KnownServers.Lookup lookup = known.check(hostPort, serverIdentity);
    if (expected != null) {
      checkExpected(serverIdentity, offered, lookup);
      return;
    }
    switch (lookup.outcome()) {
      case MATCH -> { }
      case MISMATCH -> refuseChanged(offered, lookup.pin().orElseThrow());
      case UNKNOWN -> decideUnknown(serverIdentity, offered);
    }
  }

  private void checkExpected(byte[] key, String offered, KnownServers.Lookup lookup)
      throws IOException {
    if (!Fingerprint.matches(key, expected)) {
      problem("! the server at " + hostPort + " is not the one you expected: refusing to connect.",
          "!   expected (--fingerprint): " + expected,
          "!   offered by the server:    " + offered);
      throw new UntrustedServerException("the server's key does not match --fingerprint");
    }
    switch (lookup.outcome()) {
      case MATCH -> { }
      case UNKNOWN -> pin(key, offered);
      case MISMATCH -> console.problem("* note: line " + lookup.pin().orElseThrow().line() + " of "
          + known.file() + " pins another key for " + hostPort
          + "; trusting --fingerprint and leaving that line as it is");
    }
  }

  private void refuseChanged(String offered, KnownServers.Pin pin) throws IOException {
    problem("! WARNING: the key of the server at " + hostPort + " has CHANGED. Refusing to connect.",
        "!   pinned:  " + pin.fingerprint(),
        "!   offered: " + offered,
        "! Someone may be pretending to be this server, or its key was replaced.",
        "! If its operator confirms the new fingerprint, remove line " + pin.line() + " of "
            + known.file() + " (or run with --fingerprint " + offered + ").");
    throw new UntrustedServerException("the server's key differs from the pinned one");
  }

  private void decideUnknown(byte[] key, String offered) throws IOException {
    if (acceptNew) {
      pin(key, offered);
      return;
    }
    if (!console.interactive()) {
      problem("! the server at " + hostPort + " is not known yet; its key fingerprint is " + offered,
          "! Not trusting it without asking. Check the fingerprint with the server's operator, then"
              + " run again with --fingerprint " + offered + " (or --accept-new).");
      throw new UntrustedServerException("unknown server, and nobody to ask");
    }
    console.problem("* The server at " + hostPort + " is not known yet. Its key fingerprint is");
    console.problem("*   " + offered);
    console.problem("* Compare it with the fingerprint the server printed at start-up.");
    askedUser = true;
    String answer = console.ask("Trust this server and remember its key? [y/N] ");
    if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).matches("y|yes")) {
      console.problem("! not trusted: not connecting");
      throw new UntrustedServerException("the user did not trust the server");
    }
    pin(key, offered);
  }

  private void pin(byte[] key, String offered) throws IOException {
    try {
      known.pin(hostPort, key, false);
    } catch (IOException e) {
      console.problem("! cannot save the pin in " + known.file() + " (" + e.getMessage()
          + "); not connecting");
      throw new UntrustedServerException("the pin could not be saved");
    }
    console.problem("* trusting " + hostPort + " (" + offered + "); pinned in " + known.file());
  }

  private void problem(String... lines) {
    for (String line : lines) {
      console.problem(line);
    }
  }
}
