package dev.lanchat.client;

import dev.lanchat.common.rules.Names;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the user's name in a text as a whole word: a run of name characters (ASCII letters,
 * digits, {@code _ - .}) whose skeleton is the name's, so "Alice", "ALICE" and "A1ice" all
 * mention alice, while "malice" and "alice2" do not. Leading and trailing {@code . - _} are dropped before
 * comparing, so "alice." at the end of a sentence is a mention. Immutable and thread-safe.
 */
final class Mentions {
  /** Where one mention is in a text: {@code [start, end)}. */
  record Span(int start, int end) {}

  private final String skeleton;

  /** Mentions of {@code name}. */
  Mentions(String name) {
    this.skeleton = Names.skeleton(name);
  }

  /** True when {@code text} mentions the name. */
  boolean in(String text) {
    return !spans(text).isEmpty();
  }

  /** Where {@code text} mentions the name, in order. */
  List<Span> spans(String text) {
    List<Span> spans = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      if (!isNameChar(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < text.length() && isNameChar(text.charAt(i))) {
        i++;
      }
      int end = i;
      while (start < end && isTrailing(text.charAt(start))) {
        start++; // a name starts with a letter or digit: "(.alice" mentions alice
      }
      while (end > start && isTrailing(text.charAt(end - 1))) {
        end--;
      }
      if (end > start && Names.skeleton(text.substring(start, end)).equals(skeleton)) {
        spans.add(new Span(start, end));
      }
    }
    return spans;
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '-' || c == '.';
  }

  private static boolean isTrailing(char c) {
    return c == '.' || c == '-' || c == '_';
  }
}
