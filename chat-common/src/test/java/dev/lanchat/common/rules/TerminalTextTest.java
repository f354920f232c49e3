package dev.lanchat.common.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Protocol §5, defence in depth: no forbidden code point reaches a terminal raw. */
class TerminalTextTest {
  private static void assertNothingForbidden(String rendered, String what) {
    rendered.codePoints().forEach(c -> {
      if (Texts.isForbidden(c)) {
        throw new AssertionError(what + " rendered U+" + Integer.toHexString(c) + " raw");
      }
    });
  }

  @Test
  void noCodePointIsEverEmittedRawIfForbidden() {
    // every code point 0..0x10FFFF except surrogates, in one string, each between two letters
    StringBuilder all = new StringBuilder();
    StringBuilder allowed = new StringBuilder();
    int forbidden = 0;
    for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
      if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
        continue;
      }
      all.append('a').appendCodePoint(c);
      if (Texts.isForbidden(c)) {
        forbidden++;
      } else {
        allowed.append('a').appendCodePoint(c);
      }
    }
    String rendered = TerminalText.render(all.toString());
    assertNothingForbidden(rendered, "the string of all code points");
    assertTrue(forbidden > 200, "Cc (65) + Cf + Zl + Zp hold over 200 code points, got " + forbidden);
    // each forbidden code point became a visible escape of 4 to 8 characters
    assertTrue(rendered.length() > all.length() + forbidden * 2, "escapes are visible");
    // and everything else passes through untouched
    String safe = allowed.toString();
    assertSame(safe, TerminalText.render(safe));
  }

  @Test
  void eachForbiddenCodePointAloneIsEscaped() {
    for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
      if (Texts.isForbidden(c) && (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE)) {
        String out = TerminalText.render(Character.toString(c));
        assertNothingForbidden(out, "U+" + Integer.toHexString(c));
        assertTrue(out.startsWith("\\x") || out.startsWith("\\u") || out.startsWith("\\U"), out);
        assertEquals(c, Integer.parseInt(out.substring(2), 16), out);
      }
    }
  }

  @Test
  void unpairedSurrogatesAreEscapedToo() {
    assertNothingForbidden(TerminalText.render("x\uD800y\uDFFF"), "surrogates");
    assertEquals("x\\uD800y", TerminalText.render("x\uD800y"));
  }

  @Test
  void escapesAreVisibleAndNameTheCodePoint() {
    assertEquals("\\x1B[31mred", TerminalText.render("\u001B[31mred"));
    assertEquals("a\\x0Ab", TerminalText.render("a\nb"));
    assertEquals("\\x9B2J", TerminalText.render("\u009B2J"));
    assertEquals("evil\\u202Etxt.exe", TerminalText.render("evil\u202Etxt.exe"));
    assertEquals("tag\\U000E0001", TerminalText.render("tag\uDB40\uDC01"));
  }

  @Test
  void safeTextIsReturnedAsItIs() {
    String text = "héllo 👩\u200D💻 中文";
    assertSame(text, TerminalText.render(text));
    assertEquals("", TerminalText.render(null));
  }

  @Test
  void renderingTwiceChangesNothingMore() {
    String once = TerminalText.render("\u001B]0;title\u0007 \u202E");
    assertEquals(once, TerminalText.render(once));
  }
}
