package dev.lanchat.client;

import dev.lanchat.common.rules.TerminalText;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp;

/**
 * The console of a person at a terminal, built on JLine: line editing, history (in memory only,
 * so chat never lands on disk), tab completion of commands, names and room names, bracketed
 * paste (a pasted block of lines is one entry, so one message), and incoming lines printed
 * above the prompt ({@link LineReader#printAbove}) so they never break what is being typed.
 *
 * <p>Thread-safe for output; one thread reads input.
 */
public final class InteractiveConsole implements Console {
  private static final String PROMPT = "> ";
  /** A second Ctrl-C within this long quits even with text on the line. */
  private static final long QUIT_WINDOW_NANOS = 2_000_000_000L;

  private final Terminal terminal;
  private final LineReader reader;
  private final boolean color;
  private volatile Supplier<? extends Collection<String>> names = List::of;
  private volatile Supplier<? extends Collection<String>> rooms = List::of;
  private volatile Supplier<Optional<String>> room = Optional::empty;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  // true while a thread waits at a prompt (JLine's own flag is not set until it draws)
  private volatile boolean reading;
  private long lastInterrupt = System.nanoTime() - 2 * QUIT_WINDOW_NANOS;

  /**
   * A console on {@code terminal}, which it closes on {@link #close()}.
   *
   * @param color whether our own colour escapes are used
   */
  public InteractiveConsole(Terminal terminal, boolean color) {
    this.terminal = Objects.requireNonNull(terminal, "terminal");
    this.color = color;
    PasteLineReader lines = new PasteLineReader(terminal);
    lines.setCompleter((r, line, candidates) -> {
      boolean commandWord = line.wordIndex() == 0 && line.word().startsWith("/");
      Collection<String> pool = commandWord ? Commands.NAMES
          : line.word().startsWith("#") ? rooms.get() : names.get();
      for (String value : pool) {
        candidates.add(new Candidate(value));
      }
    });
    // "!" in chat text is text, not a history reference
    lines.setOpt(LineReader.Option.DISABLE_EVENT_EXPANSION);
    // the server echoes what we say, so the typed line gives way to that echo
    lines.setOpt(LineReader.Option.ERASE_LINE_ON_FINISH);
    // a paste arrives whole in the line (its line feeds kept) and is sent as one message
    // when Enter is pressed, instead of one message for each of its lines
    lines.setOpt(LineReader.Option.BRACKETED_PASTE);
    this.reader = lines;
  }

  /**
   * A console on the process's own terminal (on Windows through JLine's JNI provider), with
   * colours only when {@code color} is asked for and the terminal can show them.
   *
   * @throws IOException if the terminal cannot be opened
   */
  public static InteractiveConsole system(boolean color) throws IOException {
    Terminal terminal = TerminalBuilder.builder().system(true).build();
    return new InteractiveConsole(terminal, color && showsColors(terminal));
  }

  /**
   * True when the terminal declares at least the 8 ANSI colours our escapes use; a dumb
   * terminal (an old Windows console without a native provider, an editor's output pane)
   * would print them as garbage.
   */
  static boolean showsColors(Terminal terminal) {
    Integer colors = terminal.getNumericCapability(InfoCmp.Capability.max_colors);
    return colors != null && colors >= 8;
  }

  @Override
  public boolean interactive() {
    return true;
  }

  @Override
  public boolean color() {
    return color;
  }

  /**
   * The next chat line. Ctrl-C with a half-typed line clears that line and keeps the session,
   * as in a shell; Ctrl-C on an empty line, or a second one within 2 s, quits (null).
   */
  @Override
  public String readLine() {
    while (true) {
      try {
        reading = true;
        return reader.readLine(room.get().map(r -> TerminalText.render(r) + PROMPT)
            .orElse(PROMPT));
      } catch (EndOfFileException e) {
        return null;
      } catch (UserInterruptException e) {
        long now = System.nanoTime();
        boolean twice = now - lastInterrupt < QUIT_WINDOW_NANOS;
        lastInterrupt = now;
        if (twice || e.getPartialLine() == null || e.getPartialLine().isEmpty()) {
          return null;
        }
      } finally {
        reading = false;
      }
    }
  }

  @Override
  public int colors() {
    if (!color) {
      return 0;
    }
    Integer max = terminal.getNumericCapability(InfoCmp.Capability.max_colors);
    return max != null && max >= 256 ? 256 : 8;
  }

  @Override
  public String ask(String question) {
    // a question and its answer stay on screen: no server echo replaces them
    reader.unsetOpt(LineReader.Option.ERASE_LINE_ON_FINISH);
    try {
      return read(question);
    } finally {
      reader.setOpt(LineReader.Option.ERASE_LINE_ON_FINISH);
    }
  }

  private String read(String prompt) {
    try {
      reading = true;
      return reader.readLine(prompt);
    } catch (EndOfFileException | UserInterruptException e) {
      return null; // Ctrl-D or Ctrl-C: leave
    } finally {
      reading = false;
    }
  }

  @Override
  public void event(String line) {
    event("", line);
  }

  /** Prints {@code head + body}, wrapped so that its continuation lines start under the body. */
  @Override
  public void event(String head, String body) {
    reader.printAbove(String.join("\n", Wrapping.wrap(head, body, terminal.getColumns())));
  }

  /** Prints the lines of one message in one go, each after the first under the first's text. */
  @Override
  public void event(String head, List<String> lines) {
    int width = terminal.getColumns();
    List<String> shown = new java.util.ArrayList<>(Wrapping.wrap(head, lines.getFirst(), width));
    String indent = " ".repeat(Wrapping.indent(head, width));
    for (String line : lines.subList(1, lines.size())) {
      shown.addAll(Wrapping.wrap(indent, line, width));
    }
    reader.printAbove(String.join("\n", shown));
  }

  @Override
  public void problem(String line) {
    reader.printAbove(color ? "\u001B[1m" + line + "\u001B[0m" : line);
  }

  @Override
  public void bell() {
    synchronized (terminal) {
      terminal.puts(InfoCmp.Capability.bell);
      terminal.flush();
    }
  }

  @Override
  public void completeNamesFrom(Supplier<? extends Collection<String>> names) {
    this.names = Objects.requireNonNull(names, "names");
  }

  @Override
  public void completeRoomsFrom(Supplier<? extends Collection<String>> rooms) {
    this.rooms = Objects.requireNonNull(rooms, "rooms");
  }

  /** The prompt becomes {@code #dev> } from the next line read on. */
  @Override
  public void promptRoomFrom(Supplier<Optional<String>> room) {
    this.room = Objects.requireNonNull(room, "room");
  }

  /**
   * Erases the prompt when another thread still waits at it (the session ended under the
   * user), so that the shell gets a clean line after exit.
   */
  void erasePrompt() {
    if (reading) {
      synchronized (terminal) {
        terminal.puts(InfoCmp.Capability.carriage_return);
        terminal.puts(InfoCmp.Capability.clr_eol);
        terminal.flush();
      }
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    erasePrompt();
    try {
      terminal.close();
    } catch (IOException e) {
      // the session is over; a terminal that fails to restore has nothing left to tell
    }
  }
}
