package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Wrapped lines continue under the text; name colours are many and readable on any background. */
class DisplayRulesTest {
  @Test
  void aLongLineWrapsWithAHangingIndentUnderTheText() {
    List<String> lines = Wrapping.wrap("12:01 <alice> ",
        "one two three four five six seven eight nine", 30);
    String indent = " ".repeat(14);
    assertEquals(List.of("12:01 <alice> one two three", indent + "four five six",
        indent + "seven eight nine"), lines);
    lines.forEach(l -> assertTrue(Wrapping.columns(l) <= 30, l));
  }

  @Test
  void escapesTakeNoColumnsAndWideCharactersTakeTwo() {
    assertEquals(5, Wrapping.columns("\u001B[1;31malice\u001B[0m"));
    assertEquals(4, Wrapping.columns("\u4F60\u597D"));
  }

  @Test
  void thePaletteHasAtLeastTwelveColoursEachContrastingWithBlackAndWhite() {
    assertTrue(NameColors.RICH.size() >= 12);
    assertEquals(NameColors.RICH.size(), new HashSet<>(NameColors.RICH).size());
    for (int index : NameColors.RICH) {
      double l = luminance(NameColors.cubeRgb(index));
      double onBlack = (l + 0.05) / 0.05;
      double onWhite = 1.05 / (l + 0.05);
      assertTrue(onBlack >= 3.5 && onWhite >= 3.5, index + ": " + onBlack + " / " + onWhite);
    }
  }

  private static double luminance(int[] rgb) {
    double[] lin = new double[3];
    for (int i = 0; i < 3; i++) {
      double c = rgb[i] / 255.0;
      lin[i] = c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  }
}
