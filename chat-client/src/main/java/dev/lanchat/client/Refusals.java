package dev.lanchat.client;

import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import java.util.Objects;

/**
 * What a refused JOIN means for the user and the exit code, beyond the server's own line: for
 * NOT_ALLOWED the client's fingerprint and the command that would let it in; for the
 * authentication errors, that this is a protocol failure rather than a refusal of who we are.
 */
final class Refusals {
  private final Console console;
  private final String fingerprint;

  /**
   * @param console where the explanations go
   * @param fingerprint this client's key fingerprint ({@code SHA256:…})
   */
  Refusals(Console console, String fingerprint) {
    this.console = Objects.requireNonNull(console, "console");
    this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
  }

  /**
   * Explains {@code error}, the answer to a JOIN as {@code name} (already shown as the server's
   * line), and returns the exit code ({@link ExitCode}).
   */
  int explain(ServerMessage.Error error, String name) {
    ErrorCode code = error.errorCode().orElse(null);
    if (code == ErrorCode.NOT_ALLOWED) {
      console.problem("! this server admits only allowed keys; your key is " + fingerprint);
      console.problem("! ask the server's admin to run: chat-server allow " + fingerprint
          + " --name " + name);
      return ExitCode.NOT_JOINED;
    }
    if (code == ErrorCode.AUTH_FAILED || code == ErrorCode.AUTH_REQUIRED) {
      console.problem("! the server did not accept this client's key proof: a protocol "
          + "failure (client and server disagree on protocol 2), not a refusal of your key");
      return ExitCode.CONNECTION;
    }
    return ExitCode.NOT_JOINED;
  }
}
