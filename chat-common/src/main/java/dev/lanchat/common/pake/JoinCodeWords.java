package dev.lanchat.common.pake;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The 256 join-code words, read once from {@code join-code-words.txt} beside this class. The
 * list ships inside the jar, so a code typed on one machine parses the same on every other.
 *
 * <p>Public because the room chain's {@code /verify} words (package {@code chain}) use the same
 * list: one list of words that are easy to say and never one letter apart serves both.
 */
public final class JoinCodeWords {
  /** Words in the list: one word carries exactly 8 bits. */
  public static final int COUNT = 256;

  private static final List<String> WORDS = load();
  private static final Map<String, Integer> INDEX = index(WORDS);

  private JoinCodeWords() {}

  /** The word at {@code index} (0–255). */
  public static String word(int index) {
    return WORDS.get(index);
  }

  /** The index of {@code word} (lower case), or empty when it is not in the list. */
  public static Optional<Integer> indexOf(String word) {
    return Optional.ofNullable(INDEX.get(word));
  }

  /** All words, in list order. */
  public static List<String> all() {
    return WORDS;
  }

  private static List<String> load() {
    List<String> words = new ArrayList<>(COUNT);
    try (InputStream in = JoinCodeWords.class.getResourceAsStream("join-code-words.txt")) {
      if (in == null) {
        throw new IllegalStateException("join-code-words.txt is missing from the jar");
      }
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank() && !line.startsWith("#")) {
          words.add(line.strip());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the join-code wordlist", e);
    }
    // a damaged list would silently change what codes mean: refuse to start instead
    if (words.size() != COUNT || words.stream().distinct().count() != COUNT
        || !words.stream().allMatch(w -> w.matches("[a-z]{3,10}"))) {
      throw new IllegalStateException("the join-code wordlist must hold 256 distinct words");
    }
    return List.copyOf(words);
  }

  private static Map<String, Integer> index(List<String> words) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < words.size(); i++) {
      index.put(words.get(i), i);
    }
    return Map.copyOf(index);
  }
}
