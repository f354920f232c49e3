package dev.lanchat.common.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The known words a mistyped one was probably meant to be ({@code --prot} for {@code --port},
 * {@code /jion} for {@code /join}), for "did you mean" hints: the words at the smallest edit
 * distance (insertions, deletions, substitutions and swaps of two neighbours, case ignored), if
 * that distance is small for the word's length. Stateless.
 */
public final class Typos {
  private Typos() {}

  /**
   * The words of {@code known} nearest to {@code typed}, in the order given, or none when none is
   * near: at most one edit for a word of up to four characters, two for a longer one.
   */
  public static List<String> nearest(String typed, Collection<String> known) {
    String t = typed.toLowerCase(Locale.ROOT);
    int most = t.length() <= 4 ? 1 : 2;
    int best = most + 1;
    List<String> found = new ArrayList<>();
    for (String word : known) {
      int d = distance(t, word.toLowerCase(Locale.ROOT));
      if (d < best) {
        best = d;
        found.clear();
      }
      if (d == best && !word.equals(typed)) { // "--PORT" for "--port" is a slip too
        found.add(word);
      }
    }
    return best > most ? List.of() : found;
  }

  /** The optimal string alignment distance between {@code a} and {@code b}. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /**
   * {@code "unknown option --prot; did you mean --port?"}: {@code typed} named as an unknown
   * {@code kind} of word, with the nearest of {@code known} when one is near.
   */
  public static String unknown(String kind, String typed, Collection<String> known) {
    return "unknown " + kind + " " + typed + hint(nearest(typed, known));
  }

  /** {@code "; did you mean A or B?"} for {@code words}, or {@code ""} when there are none. */
  public static String hint(List<String> words) {
    return words.isEmpty() ? "" : "; did you mean " + String.join(" or ", words) + "?";
  }
}
