package dev.lanchat.client;

import dev.lanchat.client.session.Problem;
import dev.lanchat.common.rules.Names;
import dev.lanchat.common.rules.TerminalText;
import java.io.IOException;

/**
 * Finds a valid chat name: the one given if it is valid, else one asked for at a terminal,
 * again until valid. A script is never asked.
 *
 * <p>Not thread-safe: called from the program's thread only.
 */
final class NamePrompt {
  /** The outcome of looking for a name. */
  sealed interface Answer {
    /** A valid name. */
    record Named(String name) implements Answer {}

    /** None: input ended, or nobody can be asked. */
    record None() implements Answer {}

    /** Input could not be read, for the reason given (terminal-safe). */
    record Unreadable(String why) implements Answer {}
  }

  private final Console console;

  NamePrompt(Console console) {
    this.console = console;
  }

  /** {@code name} if valid (it may be null), else the answer of the person at the terminal. */
  Answer usable(String name) {
    String candidate = name;
    try {
      while (true) {
        if (candidate != null) {
          var problem = Names.problem(candidate);
          if (problem.isEmpty()) {
            return new Answer.Named(candidate);
          }
          console.problem("! invalid name " + TerminalText.render(candidate) + ": "
              + problem.get());
        }
        if (!console.interactive()) {
          return new Answer.None();
        }
        candidate = console.ask("Choose a chat name: ");
        if (candidate == null) {
          return new Answer.None();
        }
        candidate = candidate.strip();
      }
    } catch (IOException e) {
      return new Answer.Unreadable(Problem.describe(e));
    }
  }
}
