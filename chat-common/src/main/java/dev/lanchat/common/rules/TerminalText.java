package dev.lanchat.common.rules;

/**
 * Makes any string that came from the network safe to print (protocol §5.3, defence in depth):
 * every code point that {@link Texts#isForbidden} flags — C0 and C1 controls, DEL, ESC, bidi
 * overrides and isolates, zero-width spaces, BOM, tag characters, line and paragraph separators
 * — is shown as a visible escape such as <code>\x1B</code>, <code>&#92;u202E</code> or
 * <code>\U000E0001</code>, never emitted raw.
 */
public final class TerminalText {
  private TerminalText() {}

  /** A copy of {@code text} in which nothing can move the cursor, recolour or reorder a line. */
  public static String render(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (Texts.isForbidden(cp)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        out.append(escape(cp));
      } else if (out != null) {
        out.appendCodePoint(cp);
      }
      i = next;
    }
    return out == null ? text : out.toString();
  }

  /**
   * <code>\x1B</code> up to U+00FF, <code>&#92;u202E</code> up to U+FFFF and <code>\U000E0041</code>
   * above, so a reader can always tell where an escape ends.
   */
  private static String escape(int cp) {
    if (cp <= 0xFF) {
      return String.format("\\x%02X", cp);
    }
    return cp <= 0xFFFF ? String.format("\\u%04X", cp) : String.format("\\U%08X", cp);
  }
}
