package dev.lanchat.client;

import dev.lanchat.common.chain.ChainHead;
import dev.lanchat.common.chain.VerifyCode;
import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.rules.TerminalText;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * {@code /verify [#room]}: shows a room's head as the six words two people read to each other,
 * with the event id it covers, as one line ({@code * #dev at event 1234: crater lantern …}), and
 * at which event the room's chain broke, if it did. The words cost some 50 ms of scrypt: a
 * person's terminal gets them from a thread of their own so typing never stalls, a script's
 * output gets them in line order.
 *
 * <p>Called from the input thread only.
 */
final class VerifyCommand {
  /** The command word. */
  static final String WORD = "/verify";

  /** The line {@code /help} shows for it. */
  static final HelpEntry HELP = new HelpEntry("/verify [#ROOM]",
      "show the room's code: the same words at the same event = the same history");

  /** What one input line is, as far as {@code /verify} is concerned. */
  sealed interface Parsed {
    /** Not a {@code /verify} line: someone else's to handle. */
    record Other() implements Parsed {}

    /** {@code /verify} of {@code room}, or of the current room when empty. */
    record Verify(Optional<String> room) implements Parsed {}

    /** A {@code /verify} line that cannot be followed, and why. */
    record Invalid(String why) implements Parsed {}
  }

  private final Console console;
  private final ChainWatch chains;
  private final Supplier<Optional<String>> currentRoom;

  /** Answers on {@code console} from {@code chains}; a bare /verify is about the current room. */
  VerifyCommand(Console console, ChainWatch chains, Supplier<Optional<String>> currentRoom) {
    this.console = Objects.requireNonNull(console, "console");
    this.chains = Objects.requireNonNull(chains, "chains");
    this.currentRoom = Objects.requireNonNull(currentRoom, "currentRoom");
  }

  /** Reads {@code line}: {@code /verify}, {@code /verify #room}, or something else. */
  static Parsed parse(String line) {
    String trimmed = line.strip();
    if (!trimmed.equals(WORD) && !trimmed.startsWith(WORD + " ")) {
      return new Parsed.Other();
    }
    String[] words = trimmed.substring(WORD.length()).strip().split("\\s+");
    if (words.length == 1 && words[0].isEmpty()) {
      return new Parsed.Verify(Optional.empty());
    }
    if (words.length > 1 || !RoomNames.isValid(words[0])) {
      return new Parsed.Invalid("usage: /verify [#ROOM], a room is # and 1 to 32 letters,"
          + " digits, _ or -");
    }
    return new Parsed.Verify(Optional.of(words[0]));
  }

  /**
   * Answers {@code line} if it is a {@code /verify} of a room, and says what the line was: the
   * caller handles an {@link Parsed.Other} itself and refuses an {@link Parsed.Invalid}.
   */
  Parsed handle(String line) {
    Parsed parsed = parse(line);
    if (!(parsed instanceof Parsed.Verify verify)) {
      return parsed;
    }
    Optional<String> room = verify.room().or(currentRoom);
    if (room.isEmpty()) {
      return new Parsed.Invalid("you are in no room to verify");
    }
    answer(room.get());
    return parsed;
  }

  private void answer(String room) {
    if (!chains.follows(room)) {
      console.event("* you are not in " + TerminalText.render(room) + ": nothing to verify");
      return;
    }
    Optional<ChainHead> head = chains.head(room);
    if (head.isEmpty()) {
      console.event("* " + room + " has no events yet: nothing to verify");
      return;
    }
    OptionalLong broke = chains.lastBreak(room);
    Runnable show = () -> console.event("* " + VerifyCode.of(head.get()).line()
        + (broke.isPresent() ? " (its chain broke at event " + broke.getAsLong()
            + ": see the warning)" : ""));
    if (console.interactive()) {
      Thread.ofVirtual().name("lanchat-verify").start(show);
    } else {
      show.run();
    }
  }
}
