package dev.lanchat.common.pake;

import dev.lanchat.common.crypto.Bytes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * A join code such as {@code 7-crater-lantern}: an invite number (0–99), said in the clear so
 * the server knows which invite the newcomer means, then two words from a fixed list of 256
 * (16 secret bits), which never leave either program; the EC-J-PAKE exchange proves both sides
 * know them.
 *
 * <p>Immutable. It is a secret: {@link #toString} hides the words, {@link #text} shows them.
 */
public final class JoinCode {
  /** Largest invite number; numbers are 0–99, so a code stays short to read out. */
  public static final int MAX_NUMBER = 99;

  /** Secret words in a code. */
  public static final int WORDS = 2;

  private static final String SEPARATORS = "(?U)[\\s\\p{Pd}\u2212]+";

  private final int number;
  private final int first;
  private final int second;

  private JoinCode(int number, int first, int second) {
    this.number = number;
    this.first = first;
    this.second = second;
  }

  /**
   * A fresh code for invite {@code number}, its words drawn uniformly from {@code random}.
   *
   * @throws IllegalArgumentException if {@code number} is not 0–99
   */
  public static JoinCode random(int number, SecureRandom random) {
    checkNumber(number);
    return new JoinCode(number, random.nextInt(JoinCodeWords.COUNT),
        random.nextInt(JoinCodeWords.COUNT));
  }

  /**
   * Reads a code as a person types it: case does not matter, and the parts may be separated by
   * dashes, spaces or both, of any kind ({@code "7 Crater  lantern"} and {@code
   * "7–crater–lantern"} are {@code 7-crater-lantern}).
   *
   * @throws IllegalArgumentException with a sentence saying what is wrong
   */
  public static JoinCode parse(String typed) {
    // any Unicode space or dash separates: a code copied from a rendered page may carry an
    // en dash or a no-break space
    String[] parts =
        typed.replaceAll(SEPARATORS, " ").strip().toLowerCase(Locale.ROOT).split(" ");
    if (parts.length != 1 + WORDS || parts[0].isEmpty()) {
      throw new IllegalArgumentException("a join code is a number and two words, like "
          + "7-crater-lantern");
    }
    if (!parts[0].matches("[0-9]{1,2}")) {
      throw new IllegalArgumentException("a join code starts with its number, 0 to 99");
    }
    int number = Integer.parseInt(parts[0]);
    return new JoinCode(number, wordIndex(parts[1], "first"), wordIndex(parts[2], "second"));
  }

  /** Why {@code typed} is not a join code, or empty when it is one. */
  public static Optional<String> problem(String typed) {
    try {
      parse(typed);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The invite number, which the client sends in the clear. */
  public int number() {
    return number;
  }

  /** The canonical form, {@code N-word-word} in lower case: what the admin reads out. */
  public String text() {
    return number + "-" + JoinCodeWords.word(first) + "-" + JoinCodeWords.word(second);
  }

  /**
   * The EC-J-PAKE password: the ASCII (so UTF-8) bytes of {@link #text}, in a fresh array the
   * caller wipes.
   */
  public byte[] password() {
    return text().getBytes(StandardCharsets.US_ASCII);
  }

  /** True when {@code other} is the same code, compared in constant time. */
  public boolean matches(JoinCode other) {
    byte[] mine = password();
    byte[] theirs = other.password();
    try {
      return Bytes.constantTimeEquals(mine, theirs);
    } finally {
      Bytes.wipe(mine);
      Bytes.wipe(theirs);
    }
  }

  /** Shows the number only: the words are a secret and must not reach a log. */
  @Override
  public String toString() {
    return "JoinCode[" + number + "-…]";
  }

  private static int wordIndex(String word, String which) {
    // the message never repeats the word: it is a secret, and messages may reach a log
    return JoinCodeWords.indexOf(word).orElseThrow(() -> new IllegalArgumentException(
        "the " + which + " word is not one of the join-code words; check its spelling"));
  }

  private static void checkNumber(int number) {
    if (number < 0 || number > MAX_NUMBER) {
      throw new IllegalArgumentException("an invite number is 0 to 99, not " + number);
    }
  }
}
