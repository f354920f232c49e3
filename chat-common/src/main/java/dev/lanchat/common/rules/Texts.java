package dev.lanchat.common.rules;

import java.nio.charset.StandardCharsets;

/**
 * The text rules of protocol §5.3: 1–4,096 UTF-8 bytes, not all white space, and free of every
 * code point of general category Cc, Cf, Zl and Zp except U+200C and U+200D; the texts of SAY, ME
 * and DM may also hold U+000A line feeds, the short texts (a BYE or PART message, a topic, an
 * away text) may not and hold at most 200 bytes.
 */
public final class Texts {
  /** Longest text, in UTF-8 bytes. */
  public static final int MAX_BYTES = 4096;

  /**
   * Longest short text, in UTF-8 bytes: a BYE or PART message, a topic, an away text (protocol
   * §4.2).
   */
  public static final int MAX_SHORT_BYTES = 200;

  /** Whether a text may span lines: the one switch between message texts and short texts. */
  public enum Lines {
    /** U+000A is allowed anywhere (SAY, ME, DM). */
    MANY,
    /** U+000A is forbidden like every other control character (short texts, names on show). */
    ONE
  }

  /** The outcome of checking one text. */
  public enum Verdict {
    /** The text may be delivered. */
    OK,
    /** Empty, all white space, or holding a forbidden code point: ERROR TEXT_INVALID. */
    INVALID,
    /** More than 4,096 UTF-8 bytes: ERROR TEXT_TOO_LONG. */
    TOO_LONG
  }

  private Texts() {}

  /** Checks the text of a SAY, ME or DM: line feeds allowed, at most 4,096 bytes. */
  public static Verdict check(String text) {
    return check(text, MAX_BYTES, Lines.MANY);
  }

  /**
   * Checks {@code text} against the text rules with a byte limit and the line-feed switch: the
   * one validator every text of the protocol goes through.
   */
  public static Verdict check(String text, int maxBytes, Lines lines) {
    if (text == null || text.isEmpty()) {
      return Verdict.INVALID;
    }
    if (longerThan(text, maxBytes)) {
      return Verdict.TOO_LONG;
    }
    boolean allSpace = true;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (isForbidden(cp) && !(cp == '\n' && lines == Lines.MANY)) {
        return Verdict.INVALID;
      }
      if (!Character.isWhitespace(cp) && !Character.isSpaceChar(cp)) {
        allSpace = false;
      }
      i += Character.charCount(cp);
    }
    return allSpace ? Verdict.INVALID : Verdict.OK;
  }

  /**
   * True when {@code text} is a valid short text (protocol §4.2): empty, or a single line that
   * follows the text rules and is at most 200 UTF-8 bytes. BYE and PART messages, topics and
   * away texts follow it; a server passes any other BYE message on as empty.
   */
  public static boolean isValidShortText(String text) {
    return text.isEmpty() || check(text, MAX_SHORT_BYTES, Lines.ONE) == Verdict.OK;
  }

  /**
   * True for a code point that must never reach a terminal raw: categories Cc, Cf, Zl, Zp (and
   * unpaired surrogates, which valid UTF-8 cannot carry), except U+200C and U+200D.
   */
  public static boolean isForbidden(int codePoint) {
    if (codePoint == 0x200C || codePoint == 0x200D) {
      return false;
    }
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR, Character.SURROGATE -> true;
      default -> false;
    };
  }

  /** True when {@code text} is more than {@code maxBytes} UTF-8 bytes. */
  private static boolean longerThan(String text, int maxBytes) {
    // a UTF-16 unit is at most 3 UTF-8 bytes, so most texts are decided without encoding
    return text.length() * 3L > maxBytes
        && text.getBytes(StandardCharsets.UTF_8).length > maxBytes;
  }
}
