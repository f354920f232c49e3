package dev.lanchat.client;

import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.storage.BadFileException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The {@code chat-client} options about the conversation itself (a picocli mixin, so the
 * command class keeps to its connection and trust options): the room to start in, the bell, and
 * where the ignore list is kept; it checks them and loads the ignore list.
 */
final class RoomOptions {
  @Option(names = "--room", paramLabel = "#ROOM",
      description = "The room to start in, instead of #general (the # may be left out): "
          + "typed or piped lines go to it.")
  private String room = RoomNames.GENERAL;

  @Option(names = "--no-bell",
      description = "Never ring the terminal bell (it rings for a DM or a line that mentions "
          + "your name; a script never gets it).")
  private boolean noBell;

  @Option(names = "--ignore-file", paramLabel = "FILE",
      description = {"The names you /ignore, kept per server.",
          "Default: ignored next to the known-servers file (~/.lanchat/ignored)"})
  private Path ignoreFile;

  /**
   * Refuses a {@code --room} that breaks the room-name rule.
   *
   * @throws ParameterException naming the rule
   */
  void validate(CommandLine cl) {
    if (Commands.room(room.strip()).isEmpty()) {
      throw new ParameterException(cl, "--room takes a room name: # and 1 to "
          + (RoomNames.MAX_LENGTH - 1) + " ASCII letters, digits, '_' or '-', such as #dev");
    }
  }

  /**
   * The conversation's settings, with the ignore file ({@code --ignore-file}, else
   * {@code ignored} next to {@code knownServers}) loaded; empty, after telling the user why,
   * when that file cannot be used.
   */
  Optional<ChatProgram.RoomSettings> settings(Path knownServers, Console console) {
    Path file = ignoreFile != null ? ignoreFile
        : knownServers.toAbsolutePath().resolveSibling("ignored");
    try {
      return Optional.of(new ChatProgram.RoomSettings(Commands.room(room.strip()).orElseThrow(),
          !noBell, IgnoreList.load(file)));
    } catch (BadFileException e) {
      UnusableFile.tell(console, "ignore file", e);
      return Optional.empty();
    }
  }
}
