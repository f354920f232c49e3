package dev.lanchat.common.rules;

import java.nio.charset.StandardCharsets;

/**
 * The text rules of protocol §5.3: 1–4,096 UTF-8 bytes, not all white space, and free of every
 * code point of general category Cc, Cf, Zl and Zp except U+200C and U+200D.
 */
public final class Texts {
  /** Longest text, in UTF-8 bytes. */
  public static final int MAX_BYTES = 4096;

  /** Longest parting line a client's BYE may carry, in UTF-8 bytes (protocol §4.2). */
  public static final int MAX_BYE_MESSAGE_BYTES = 200;

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

  /** Checks {@code text} against the text rules. */
  public static Verdict check(String text) {
    if (text == null || text.isEmpty()) {
      return Verdict.INVALID;
    }
    if (longerThan(text, MAX_BYTES)) {
      return Verdict.TOO_LONG;
    }
    boolean allSpace = true;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (isForbidden(cp)) {
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
   * True when {@code message} may be passed on as a BYE's parting line (protocol §4.2): empty,
   * or a text that follows the text rules and is at most 200 UTF-8 bytes. A server passes any
   * other BYE message on as empty.
   */
  public static boolean isValidByeMessage(String message) {
    return message.isEmpty()
        || (!longerThan(message, MAX_BYE_MESSAGE_BYTES) && check(message) == Verdict.OK);
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
