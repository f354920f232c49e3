package dev.lanchat.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One chat message as a piped client prints it, {@code <name> text}, found wherever it stands
 * in the line (after the time, a room name or a history mark), so the tests compare what was
 * said and in which order without depending on the decoration around it.
 *
 * @param from who said it
 * @param text what they said
 */
record Said(String from, String text) {
  private static final Pattern SAID = Pattern.compile("<([^<>\\s]+)> (.*)$");

  /** The message in {@code line}, if it shows one. */
  static Optional<Said> in(String line) {
    Matcher m = SAID.matcher(line);
    return m.find() ? Optional.of(new Said(m.group(1), m.group(2))) : Optional.empty();
  }

  /** Every message in {@code lines} whose text passes {@code test}, in order, repeats kept. */
  static List<Said> all(List<String> lines, Predicate<String> test) {
    List<Said> said = new ArrayList<>();
    for (String line : lines) {
      in(line).filter(s -> test.test(s.text())).ifPresent(said::add);
    }
    return said;
  }

  /** Every message in {@code lines} whose text starts with {@code prefix}. */
  static List<Said> all(List<String> lines, String prefix) {
    return all(lines, text -> text.startsWith(prefix));
  }

  /** How the line containing it ends, for waiting on it: {@code <from> text}. */
  String shown() {
    return "<" + from + "> " + text;
  }

  @Override
  public String toString() {
    return shown();
  }
}
