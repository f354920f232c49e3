package dev.lanchat.client;

import java.util.Map;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;

/**
 * JLine's line reader, with a bracketed paste taken as the terminal sent it but for its line
 * ends and tabs: {@code \r\n} and {@code \r} each become one {@code \n} (JLine's own reader turns each
 * {@code \r} into a line feed, so a paste from a terminal that sends {@code \r\n} would gain a
 * blank line under every line), and the line ends at its end are dropped, so a copied block
 * ending in a line end is not sent with an empty last line; a tab, which the text rules forbid,
 * becomes four spaces, so a pasted stack trace can be sent. The pasted text waits in the line
 * until Enter sends it, as one entry.
 *
 * <p>Not thread-safe beyond what {@link LineReaderImpl} promises.
 */
final class PasteLineReader extends LineReaderImpl {
  /** What a pasted tab becomes: the text rules forbid tabs, and stack traces are full of them. */
  static final String TAB = "    ";

  PasteLineReader(Terminal terminal) {
    super(terminal, "lanchat", Map.of());
  }

  @Override
  public boolean beginPaste() {
    String pasted = doReadStringUntil(BRACKETED_PASTE_END);
    getBuffer().write(lineEnds(pasted));
    return true;
  }

  /** {@code pasted} with {@code \n} for each line end and none at its end. */
  static String lineEnds(String pasted) {
    String text = pasted.replace("\r\n", "\n").replace('\r', '\n').replace("\t", TAB);
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '\n') {
      end--;
    }
    return text.substring(0, end);
  }
}
