package dev.lanchat.client;

import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the client reads what the user types and shows what happens: a terminal with line
 * editing ({@link InteractiveConsole}) or plain lines for scripts ({@link PipedConsole}).
 *
 * <p>Thread-safe for output: the socket reader and the input thread both print, and each call
 * prints whole lines. Only one thread reads input.
 */
public interface Console extends Closeable {
  /**
   * How a piped console starts each line after the first of a message of several lines, so a
   * script can tell them from events: no event line starts with a space.
   */
  String CONTINUATION = "  | ";

  /** True when a person is typing, so questions may be asked. */
  boolean interactive();

  /** True when output may carry colour escapes (only ever our own, never network text). */
  boolean color();

  /** How many colours our escapes may use: 0 when {@link #color()} is off, else 8 or 256. */
  default int colors() {
    return color() ? 8 : 0;
  }

  /**
   * The next line the user entered.
   *
   * @return the line without its line end, or null at the end of input
   * @throws IOException if input cannot be read
   */
  String readLine() throws IOException;

  /**
   * Asks a question and returns the answer; only called when {@link #interactive()}.
   *
   * @return the answer, or null when the user ended input
   * @throws IOException if input cannot be read
   */
  String ask(String question) throws IOException;

  /** Shows one chat event (already made terminal-safe), as one line. */
  void event(String line);

  /**
   * Shows one chat event whose text starts after {@code head} (for example the time and the
   * sender), as one line; a terminal wraps it so that it continues under the text.
   */
  default void event(String head, String body) {
    event(head + body);
  }

  /**
   * Shows one chat event whose text has several lines: the first after {@code head}, the
   * others under it (a terminal indents them under the first line's text; a script sees each
   * start with {@link #CONTINUATION}). The lines come out together, never split by another
   * event.
   */
  default void event(String head, List<String> lines) {
    event(head, lines.getFirst());
    for (String line : lines.subList(1, lines.size())) {
      event(CONTINUATION, line);
    }
  }

  /** Shows a problem or a notice from the client itself, as one line. */
  void problem(String line);

  /** Draws the user's attention (a DM or a mention of their name). */
  void bell();

  /** Where completion finds the names of the people in the room. */
  default void completeNamesFrom(Supplier<? extends Collection<String>> names) {}

  /** Where completion finds the room names (words starting with {@code #}). */
  default void completeRoomsFrom(Supplier<? extends Collection<String>> rooms) {}

  /** Where the prompt finds the current room, so a person sees where a line goes. */
  default void promptRoomFrom(Supplier<Optional<String>> room) {}

  @Override
  void close();
}
