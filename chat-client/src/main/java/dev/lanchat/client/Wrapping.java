package dev.lanchat.client;

import java.util.ArrayList;
import java.util.List;
import org.jline.utils.WCWidth;

/**
 * Breaks one event line to a terminal's width so that what wraps continues under the text
 * (a hanging indent the width of the head, {@code 12:01 <alice> }), not at column 0 where it
 * would look like a new line. Breaks at a space when there is one, else inside a word. Columns
 * are counted as a terminal shows them: wide characters take two, combining marks and our own
 * escape sequences ({@code ESC [ ... letter}) none. Stateless.
 */
final class Wrapping {
  private static final char ESC = '\u001B';

  private Wrapping() {}

  /** One drawn piece: a code point, or an escape sequence, and its columns. */
  private record Unit(String text, int columns) {
    boolean space() {
      return text.equals(" ");
    }
  }

  /**
   * {@code head + body} as lines of at most {@code width} columns; lines after the first start
   * with spaces as wide as {@code head} (at most half the width, so the text keeps room).
   */
  static List<String> wrap(String head, String body, int width) {
    int headColumns = columns(head);
    if (width < 8 || headColumns + columns(body) <= width) {
      return List.of(head + body);
    }
    int indent = indent(head, width);
    List<String> lines = new ArrayList<>();
    List<Unit> units = units(body);
    String prefix = head;
    int room = width - headColumns;
    int start = 0;
    while (start < units.size()) {
      int used = 0;
      int end = start;
      int lastSpace = -1;
      while (end < units.size() && used + units.get(end).columns() <= room) {
        if (units.get(end).space()) {
          lastSpace = end;
        }
        used += units.get(end).columns();
        end++;
      }
      if (end == start) {
        end = start + 1; // a unit wider than the room still goes somewhere
      }
      int next = end;
      if (end < units.size() && lastSpace > start) {
        end = lastSpace; // break at the space, which is dropped
        next = lastSpace + 1;
      }
      StringBuilder line = new StringBuilder(prefix);
      for (int i = start; i < end; i++) {
        line.append(units.get(i).text());
      }
      lines.add(line.toString());
      start = next;
      prefix = " ".repeat(indent);
      room = width - indent;
    }
    return lines;
  }

  /**
   * How far lines after the first are indented under {@code head}: its width, but at most half
   * the terminal's, so the text keeps room.
   */
  static int indent(String head, int width) {
    return Math.min(columns(head), width / 2);
  }

  /** The columns {@code s} takes on a terminal. */
  static int columns(String s) {
    int total = 0;
    for (Unit u : units(s)) {
      total += u.columns();
    }
    return total;
  }

  private static List<Unit> units(String s) {
    List<Unit> units = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      if (s.charAt(i) == ESC && i + 1 < s.length() && s.charAt(i + 1) == '[') {
        int j = i + 2;
        while (j < s.length() && !Character.isLetter(s.charAt(j))) {
          j++;
        }
        int end = Math.min(j + 1, s.length());
        units.add(new Unit(s.substring(i, end), 0));
        i = end;
        continue;
      }
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      units.add(new Unit(s.substring(i, i + n), Math.max(0, WCWidth.wcwidth(cp))));
      i += n;
    }
    return units;
  }
}
