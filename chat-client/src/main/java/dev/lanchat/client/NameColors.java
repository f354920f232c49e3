package dev.lanchat.client;

import dev.lanchat.common.rules.Names;
import java.util.List;

/**
 * Gives each name a stable colour, chosen from its skeleton, so "Alice" and "alice" look alike
 * and a name keeps its colour across runs. Only for text already made terminal-safe.
 *
 * <p>A terminal with 256 colours gets {@link #RICH}: 14 hues of the xterm colour cube, each
 * with a contrast ratio of at least 3.5:1 against both black and white (WCAG's formula), so every
 * name reads on a dark and on a light background and bob and carol rarely share a colour. A
 * terminal with 8 colours gets the six bright ANSI colours.
 */
final class NameColors {
  private static final String RESET = "\u001B[0m";
  // bright red, green, yellow, blue, magenta, cyan: what an 8-colour terminal can show
  private static final List<String> BASIC = List.of(
      "\u001B[1;31m", "\u001B[1;32m", "\u001B[1;33m", "\u001B[1;34m", "\u001B[1;35m",
      "\u001B[1;36m");
  /** xterm-256 indices, in hue order: red, orange, ochre, olive, lime, green ... rose. */
  static final List<Integer> RICH = List.of(
      160, 166, 130, 100, 64, 28, 30, 32, 27, 63, 98, 128, 164, 161);

  private final List<String> palette;

  /** Colours for a terminal of {@code depth} colours: 0 (colour off), 8, or 256 and more. */
  NameColors(int depth) {
    if (depth <= 0) {
      palette = List.of();
    } else if (depth < 256) {
      palette = BASIC;
    } else {
      palette = RICH.stream().map(i -> "\u001B[1;38;5;" + i + "m").toList();
    }
  }

  /** {@code safeName} wrapped in its colour, or unchanged when colour is off. */
  String paint(String safeName) {
    if (palette.isEmpty()) {
      return safeName;
    }
    int index = Math.floorMod(Names.skeleton(safeName).hashCode(), palette.size());
    return palette.get(index) + safeName + RESET;
  }

  /** {@code text} dimmed (timestamps), or unchanged when colour is off. */
  String dim(String text) {
    return palette.isEmpty() ? text : "\u001B[2m" + text + RESET;
  }

  /** The red, green and blue (0-255) of xterm-256 colour {@code index} in the 6x6x6 cube. */
  static int[] cubeRgb(int index) {
    int[] levels = {0, 95, 135, 175, 215, 255};
    int i = index - 16;
    return new int[] {levels[i / 36], levels[i / 6 % 6], levels[i % 6]};
  }
}
