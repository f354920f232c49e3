package dev.lanchat.common.rules;

import java.util.Locale;
import java.util.Optional;

/**
 * The name rules of protocol §5.2: 1–24 characters of ASCII letters, digits, {@code _},
 * {@code -}, {@code .}, starting with a letter or digit; unique by {@linkplain #skeleton
 * skeleton}.
 */
public final class Names {
  /** Longest name, in characters. */
  public static final int MAX_LENGTH = 24;

  private Names() {}

  /** Why {@code name} is not a valid name, or empty when it is. */
  public static Optional<String> problem(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("a name needs at least one character");
    }
    if (name.length() > MAX_LENGTH) {
      return Optional.of("a name has at most " + MAX_LENGTH + " characters");
    }
    if (!isLetterOrDigit(name.charAt(0))) {
      return Optional.of("a name starts with an ASCII letter or digit");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isLetterOrDigit(c) && c != '_' && c != '-' && c != '.') {
        return Optional.of("a name holds only ASCII letters, digits, '_', '-' and '.'");
      }
    }
    return Optional.empty();
  }

  /** True when {@code name} follows the name rules. */
  public static boolean isValid(String name) {
    return problem(name).isEmpty();
  }

  /**
   * The form two names are compared in: lower-cased, then {@code 0} read as {@code o} and {@code
   * 1} and {@code i} as {@code l}. "Alice", "alice", "A1ice" and "alIce" share one skeleton.
   */
  public static String skeleton(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      out.append(switch (c) {
        case '0' -> 'o';
        case '1', 'i' -> 'l';
        default -> c;
      });
    }
    return out.toString();
  }

  private static boolean isLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
