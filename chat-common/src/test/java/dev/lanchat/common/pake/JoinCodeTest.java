package dev.lanchat.common.pake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shape of join codes, how typed codes are read, and the wordlist. */
class JoinCodeTest {
  @Test
  void aCodeIsItsNumberAndTwoWordsInLowerCase() {
    JoinCode code = JoinCode.parse("7-crater-lantern");
    assertEquals(7, code.number());
    assertEquals("7-crater-lantern", code.text());
  }

  @Test
  void typedCodesIgnoreCaseAndTakeSpacesOrDashes() {
    for (String typed : List.of("7 crater lantern", " 7-Crater-LANTERN ", "07 - crater  lantern",
        "7\tcrater-lantern", "7\u2013crater\u2013lantern", "\u00a07\u00a0crater lantern")) {
      assertEquals("7-crater-lantern", JoinCode.parse(typed).text(), typed);
    }
  }

  @Test
  void malformedCodesAreRefusedWithASentence() {
    assertEquals("a join code starts with its number, 0 to 99",
        JoinCode.problem("100-crater-lantern").orElseThrow());
    assertEquals("a join code is a number and two words, like 7-crater-lantern",
        JoinCode.problem("7-crater").orElseThrow());
    assertTrue(JoinCode.problem("crater-lantern-7").isPresent());
    assertTrue(JoinCode.problem("").isPresent());
    assertFalse(JoinCode.problem("7-crater-lantern-").isPresent(),
        "a trailing dash is only a separator");
    assertTrue(JoinCode.problem("7-crater-lantern-crater").isPresent());
  }

  @Test
  void anUnknownWordIsRefusedWithoutRepeatingIt() {
    String problem = JoinCode.problem("7-crater-zanzibar").orElseThrow();
    assertEquals("the second word is not one of the join-code words; check its spelling",
        problem);
    assertFalse(problem.contains("zanzibar"));
  }

  @Test
  void toStringHidesTheSecretWords() {
    JoinCode code = JoinCode.parse("7-crater-lantern");
    assertFalse(code.toString().contains("crater"));
    assertFalse(code.toString().contains("lantern"));
  }

  @Test
  void codesMatchOnlyTheSameCode() {
    assertTrue(JoinCode.parse("7-crater-lantern").matches(JoinCode.parse("7 CRATER lantern")));
    assertFalse(JoinCode.parse("7-crater-lantern").matches(JoinCode.parse("7-lantern-crater")));
    assertFalse(JoinCode.parse("7-crater-lantern").matches(JoinCode.parse("8-crater-lantern")));
  }

  @Test
  void randomCodesParseBackToThemselvesAndUseTheWholeList() {
    long seed = new SecureRandom().nextLong();
    System.out.println("randomCodesParseBackToThemselves seed " + seed);
    SecureRandom random = new SeededRandom(seed);
    Set<String> words = new HashSet<>();
    for (int i = 0; i < 4_000; i++) {
      JoinCode code = JoinCode.random(i % 100, random);
      assertEquals(code.text(), JoinCode.parse(code.text()).text(), "seed " + seed);
      String[] parts = code.text().split("-");
      words.add(parts[1]);
      words.add(parts[2]);
    }
    // 8,000 draws from 256 words: missing one has odds below 1e-12
    assertEquals(256, words.size(), "seed " + seed);
  }

  @Test
  void invitesAreNumbered0To99() {
    assertThrows(IllegalArgumentException.class, () -> JoinCode.random(100, new SecureRandom()));
    assertThrows(IllegalArgumentException.class, () -> JoinCode.random(-1, new SecureRandom()));
    assertEquals("0", JoinCode.parse("0-crater-lantern").text().split("-")[0]);
  }

  @Test
  void theWordlistHas256DistinctWordsNoTwoOneLetterApart() {
    List<String> words = JoinCodeWords.all();
    assertEquals(256, words.size());
    assertEquals(256, new HashSet<>(words).size());
    for (int i = 0; i < words.size(); i++) {
      assertTrue(words.get(i).matches("[a-z]{3,10}"), words.get(i));
      for (int j = i + 1; j < words.size(); j++) {
        assertTrue(editDistance(words.get(i), words.get(j)) >= 2,
            words.get(i) + " and " + words.get(j) + " are one typo apart");
      }
    }
  }

  private static int editDistance(String a, String b) {
    int[] row = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      row[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int diagonal = row[0];
      row[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int up = row[j];
        row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1),
            diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
        diagonal = up;
      }
    }
    return row[b.length()];
  }

  /** A SecureRandom whose draws follow a seed, so a failure can be replayed. */
  private static final class SeededRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final transient Random random;

    SeededRandom(long seed) {
      this.random = new Random(seed);
    }

    @Override
    public void nextBytes(byte[] bytes) {
      random.nextBytes(bytes);
    }
  }
}
