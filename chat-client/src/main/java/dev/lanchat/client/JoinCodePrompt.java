package dev.lanchat.client;

import dev.lanchat.common.pake.JoinCode;
import dev.lanchat.common.rules.TerminalText;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Offers the person at the terminal, refused by a server that admits only allowed keys, to type
 * a join code from the admin instead of sending their fingerprint (protocol "Join codes").
 */
final class JoinCodePrompt {
  /** Mistyped codes before the offer ends: a person who keeps failing should ask the admin. */
  private static final int MAX_TRIES = 3;

  private final Console console;

  JoinCodePrompt(Console console) {
    this.console = Objects.requireNonNull(console, "console");
  }

  /** The code typed, or empty when the person pressed Enter, input ended or failed. */
  Optional<JoinCode> ask() {
    try {
      for (int tries = 0; tries < MAX_TRIES; tries++) {
        String typed = console.ask("Or type a join code from the admin (Enter to stop): ");
        if (typed == null || typed.isBlank()) {
          return Optional.empty();
        }
        Optional<String> problem = JoinCode.problem(typed);
        if (problem.isEmpty()) {
          return Optional.of(JoinCode.parse(typed));
        }
        console.problem("! " + TerminalText.render(problem.get())
            + " (a code looks like 7-crater-lantern)");
      }
    } catch (IOException e) {
      console.problem("! cannot read input: " + e.getClass().getSimpleName());
    }
    return Optional.empty();
  }
}
