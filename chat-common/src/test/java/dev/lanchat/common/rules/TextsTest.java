package dev.lanchat.common.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.rules.Texts.Verdict;
import org.junit.jupiter.api.Test;

/** The text rules of protocol §5. */
class TextsTest {
  private static String cp(int codePoint) {
    return Character.toString(codePoint);
  }

  @Test
  void ordinaryTextIsOk() {
    for (String text : new String[] {"hi", "  hi  ", "héllo wörld", "中文", "😀", "a\u00A0b", "x"}) {
      assertEquals(Verdict.OK, Texts.check(text), text);
    }
  }

  @Test
  void emojiZwjSequencesAndJoinersAreOk() {
    assertEquals(Verdict.OK, Texts.check("👩\u200D💻")); // woman technologist
    assertEquals(Verdict.OK, Texts.check("👨\u200D👩\u200D👧\u200D👦"));
    assertEquals(Verdict.OK, Texts.check("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645")); // Persian ZWNJ
  }

  @Test
  void exactly4096BytesIsOkAnd4097IsTooLong() {
    assertEquals(Verdict.OK, Texts.check("a".repeat(4096)));
    assertEquals(Verdict.TOO_LONG, Texts.check("a".repeat(4097)));
    // multi-byte: 1,365 × 3 bytes = 4,095, plus one byte = 4,096; plus two = 4,097
    assertEquals(Verdict.OK, Texts.check("中".repeat(1365) + "a"));
    assertEquals(Verdict.TOO_LONG, Texts.check("中".repeat(1365) + "ab"));
    assertEquals(Verdict.OK, Texts.check("😀".repeat(1024)));
    assertEquals(Verdict.TOO_LONG, Texts.check("😀".repeat(1024) + "a"));
  }

  @Test
  void emptyAndAllWhitespaceAreInvalid() {
    for (String text : new String[] {"", " ", "   ", "\u3000", "\u00A0", "\u2003 \u2009"}) {
      assertEquals(Verdict.INVALID, Texts.check(text), text.codePoints().boxed().toList()::toString);
    }
    assertEquals(Verdict.INVALID, Texts.check(null));
  }

  @Test
  void controlAndFormatCharactersAreInvalid() {
    int[] forbidden = {
        0x00, 0x07, 0x08, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, // C0 (tab and newline too)
        0x7F,                                          // DEL
        0x80, 0x85, 0x9B, 0x9F,                        // C1 (0x9B is CSI)
        0x202A, 0x202B, 0x202C, 0x202D, 0x202E,        // bidi embeddings and overrides
        0x2066, 0x2067, 0x2068, 0x2069,                // bidi isolates
        0x200E, 0x200F, 0x061C,                        // bidi marks
        0x200B, 0x2060,                                // zero-width space, word joiner
        0xFEFF,                                        // BOM / ZWNBSP
        0xE0001, 0xE0020, 0xE007F,                     // tag characters
        0x2028, 0x2029,                                // line and paragraph separators
        0x00AD, 0xFFF9,                                // soft hyphen, interlinear annotation
    };
    for (int c : forbidden) {
      String hex = Integer.toHexString(c);
      assertTrue(Texts.isForbidden(c), hex);
      assertEquals(Verdict.INVALID, Texts.check("hello " + cp(c) + " world", Texts.MAX_BYTES,
          Texts.Lines.ONE), hex);
      assertEquals(Verdict.INVALID, Texts.check(cp(c), Texts.MAX_BYTES, Texts.Lines.ONE), hex);
      if (c != '\n') {
        assertEquals(Verdict.INVALID, Texts.check("hello " + cp(c) + " world"), hex);
        assertEquals(Verdict.INVALID, Texts.check(cp(c)), hex);
      }
    }
  }

  @Test
  void messageTextsMayHoldLineFeedsButShortTextsMayNot() {
    assertEquals(Verdict.OK, Texts.check("line one\nline two\n\nfour"));
    assertEquals(Verdict.OK, Texts.check("\nx"));
    assertEquals(Verdict.INVALID, Texts.check("\n"));
    assertEquals(Verdict.INVALID, Texts.check(" \n \t\n"));
    assertEquals(Verdict.INVALID, Texts.check("a\r\nb"), "CR stays forbidden");
    assertFalse(Texts.isValidShortText("away\nback soon"));
    assertTrue(Texts.isValidShortText(""));
    assertTrue(Texts.isValidShortText("lunch"));
    assertTrue(Texts.isValidShortText("x".repeat(Texts.MAX_SHORT_BYTES)));
    assertFalse(Texts.isValidShortText("x".repeat(Texts.MAX_SHORT_BYTES + 1)));
  }

  @Test
  void joinersAreNotForbidden() {
    assertFalse(Texts.isForbidden(0x200C));
    assertFalse(Texts.isForbidden(0x200D));
  }

  @Test
  void forbiddenIsExactlyCcCfZlZpAndSurrogatesExceptTheJoiners() {
    for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
      int type = Character.getType(c);
      boolean expected = (type == Character.CONTROL || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.SURROGATE) && c != 0x200C && c != 0x200D;
      if (expected != Texts.isForbidden(c)) {
        throw new AssertionError("U+" + Integer.toHexString(c) + " forbidden=" + !expected);
      }
    }
  }

  @Test
  void unpairedSurrogateInAJavaStringIsInvalid() {
    assertEquals(Verdict.INVALID, Texts.check("a\uD800b"));
    assertEquals(Verdict.INVALID, Texts.check("a\uDC00"));
  }

  @Test
  void byeMessageIsEmptyOrAValidTextOfAtMost200Bytes() {
    assertTrue(Texts.isValidShortText(""));
    assertTrue(Texts.isValidShortText("see you tomorrow"));
    assertTrue(Texts.isValidShortText("x".repeat(Texts.MAX_SHORT_BYTES)));
    assertTrue(Texts.isValidShortText("\u00e9".repeat(100)));
    assertFalse(Texts.isValidShortText("x".repeat(Texts.MAX_SHORT_BYTES + 1)));
    assertFalse(Texts.isValidShortText("\u00e9".repeat(100) + "x"));
    assertFalse(Texts.isValidShortText("   "));
    assertFalse(Texts.isValidShortText("bye\u001b[2J"));
    assertFalse(Texts.isValidShortText("bye\u202e"));
  }
}
