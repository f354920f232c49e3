package dev.lanchat.client.session;

import dev.lanchat.common.rules.TerminalText;
import java.util.Objects;

/**
 * Why a session could not go on, as a kind the program maps to an exit code and a sentence
 * for the user (terminal-safe: every network string in it has been rendered).
 */
public record Problem(Kind kind, String message) {
  /** What went wrong, as far as the exit code cares. */
  public enum Kind {
    /** No connection could be made. */
    CONNECT,
    /** The handshake failed or timed out, or the server speaks another version. */
    HANDSHAKE,
    /** The server failed to prove its identity: someone may be in the middle. */
    NOT_AUTHENTIC,
    /** The join code did not match: mistyped, used up, or someone is in between. */
    CODE_MISMATCH,
    /** The connection was lost or the server broke the protocol after the handshake. */
    LOST
  }

  public Problem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  /** An exception's message (or its type when it has none), safe to show. */
  public static String describe(Exception e) {
    String message = e.getMessage();
    return TerminalText.render(message == null || message.isBlank()
        ? e.getClass().getSimpleName() : message);
  }
}
