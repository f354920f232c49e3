package dev.lanchat.client;

import dev.lanchat.common.rules.Names;

/**
 * Gives each name a stable colour, chosen from its skeleton, so "Alice" and "alice" look alike
 * and a name keeps its colour across runs. Only for text already made terminal-safe.
 */
final class NameColors {
  private static final String RESET = "\u001B[0m";
  // bright red, green, yellow, blue, magenta, cyan: readable on dark and light backgrounds
  private static final String[] PALETTE = {
    "\u001B[1;31m", "\u001B[1;32m", "\u001B[1;33m", "\u001B[1;34m", "\u001B[1;35m", "\u001B[1;36m"
  };

  private final boolean enabled;

  NameColors(boolean enabled) {
    this.enabled = enabled;
  }

  /** {@code safeName} wrapped in its colour, or unchanged when colour is off. */
  String paint(String safeName) {
    if (!enabled) {
      return safeName;
    }
    int index = Math.floorMod(Names.skeleton(safeName).hashCode(), PALETTE.length);
    return PALETTE[index] + safeName + RESET;
  }

  /** {@code text} dimmed (timestamps), or unchanged when colour is off. */
  String dim(String text) {
    return enabled ? "\u001B[2m" + text + RESET : text;
  }
}
