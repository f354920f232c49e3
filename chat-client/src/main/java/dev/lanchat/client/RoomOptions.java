package dev.lanchat.client;

import dev.lanchat.common.rules.RoomNames;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code chat-client} options about the conversation itself (a picocli mixin, so the
 * command class keeps to its connection and trust options): the room to start in, the bell, and
 * where the ignore list is kept.
 */
final class RoomOptions {
  /** The room everyone starts in unless told otherwise. */
  static final String GENERAL = "#general";

  @Option(names = "--room", paramLabel = "#ROOM",
      description = "The room to start in, instead of #general (the # may be left out): "
          + "typed or piped lines go to it.")
  private String room = GENERAL;

  @Option(names = "--no-bell",
      description = "Never ring the terminal bell (it rings for a DM or a line that mentions "
          + "your name; a script never gets it).")
  private boolean noBell;

  @Option(names = "--ignore-file", paramLabel = "FILE",
      description = {"The names you /ignore, kept per server.",
          "Default: ignored next to the known-servers file (~/.lanchat/ignored)"})
  private Path ignoreFile;

  /** The room to start in, {@code #} added when left out; empty when it breaks the rule. */
  java.util.Optional<String> room() {
    return Commands.room(room.strip());
  }

  /** Why {@code --room} cannot be used. */
  static String roomProblem() {
    return "--room takes a room name: # and 1 to " + (RoomNames.MAX_LENGTH - 1)
        + " ASCII letters, digits, '_' or '-', such as #dev";
  }

  /** Whether the bell may ring. */
  boolean bell() {
    return !noBell;
  }

  /** The ignore file: {@code --ignore-file}, else {@code ignored} next to {@code knownServers}. */
  Path ignoreFile(Path knownServers) {
    return ignoreFile != null ? ignoreFile
        : knownServers.toAbsolutePath().resolveSibling("ignored");
  }
}
