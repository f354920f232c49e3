package dev.lanchat.common.rules;

/**
 * Makes any string that came from the network safe to print (protocol §5, defence in depth):
 * every code point that {@link Texts#isForbidden} flags — C0 and C1 controls, DEL, ESC, bidi
 * overrides and isolates, zero-width spaces, BOM, tag characters, line and paragraph separators
 * — is shown as a visible escape such as {@code \x1B} or {@code \u202E}, never emitted raw.
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
        out.append(cp <= 0xFF ? String.format("\\x%02X", cp) : String.format("\\u%04X", cp));
      } else if (out != null) {
        out.appendCodePoint(cp);
      }
      i = next;
    }
    return out == null ? text : out.toString();
  }
}
