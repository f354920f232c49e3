package dev.lanchat.common.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Every build replays the committed fuzz corpus and a short seeded campaign: only the documented
 * exceptions escape the frame reader, both handshake roles, the message codec in both directions
 * and the discovery parsers, and no input makes them allocate beyond the budget.
 */
class FuzzCorpusTest {
  /** Mutated inputs per target in every build; {@code scripts/fuzz} runs as long as asked. */
  private static final int RUNS_PER_TARGET = 2_000;

  private static Path corpusRoot() throws URISyntaxException {
    return Path.of(Objects.requireNonNull(FuzzCorpusTest.class.getResource("/fuzz"),
        "src/test/resources/fuzz is on the test class path").toURI());
  }

  @Test
  void everyTargetHasACommittedCorpus() throws Exception {
    for (FuzzTarget t : Targets.all()) {
      assertFalse(Fuzzer.corpus(corpusRoot(), t).isEmpty(), "corpus of " + t.name());
    }
  }

  @Test
  void seedsAreValidInputsThatEveryTargetAccepts() {
    for (FuzzTarget t : Targets.all()) {
      for (byte[] seed : t.seeds()) {
        Fuzzer.Verdict v = Fuzzer.check(t, seed);
        Fuzzer.Verdict.Passed p = assertInstanceOf(Fuzzer.Verdict.Passed.class, v, t.name() + ": " + v);
        assertTrue(p.outcome().startsWith("ok") || p.outcome().equals("eof")
            || p.outcome().contains("request") || p.outcome().contains("reply-ok"),
            t.name() + " seed parses: " + p.outcome());
      }
    }
  }

  @Test
  void committedCorpusReplaysWithoutFindings() throws Exception {
    for (FuzzTarget t : Targets.all()) {
      for (byte[] input : Fuzzer.corpus(corpusRoot(), t)) {
        Fuzzer.Verdict v = Fuzzer.check(t, input);
        assertInstanceOf(Fuzzer.Verdict.Passed.class, v, t.name() + " " + Fuzzer.fileName(input) + ": " + v);
      }
    }
  }

  @Test
  void seededMutationsOfEveryTargetCauseNoFindings() throws Exception {
    long seed = Long.getLong("lanchat.fuzz.seed", System.nanoTime());
    System.out.println("FuzzCorpusTest seed " + seed + " (-Dlanchat.fuzz.seed=" + seed + " repeats it)");
    List<FuzzTarget> targets = Targets.all();
    Map<String, List<byte[]>> starts = new LinkedHashMap<>();
    for (FuzzTarget t : targets) {
      List<byte[]> start = new ArrayList<>(t.seeds());
      start.addAll(Fuzzer.corpus(corpusRoot(), t));
      starts.put(t.name(), start);
    }
    Map<String, Fuzzer.Tally> tallies = Fuzzer.campaign(targets, starts, seed, Long.MAX_VALUE,
        (long) RUNS_PER_TARGET * targets.size(), null, System.out);
    for (Map.Entry<String, Fuzzer.Tally> e : tallies.entrySet()) {
      assertEquals(List.of(), e.getValue().findings, e.getKey() + " (seed " + seed + ")");
      assertEquals(RUNS_PER_TARGET, e.getValue().runs, e.getKey());
      assertTrue(e.getValue().outcomes.size() > 1, e.getKey() + " reached more than one outcome");
    }
  }

  /** The harness itself can fail: a parser that throws the wrong thing or allocates too much. */
  @Test
  void aTargetThatThrowsARuntimeExceptionOrAllocatesTooMuchIsAFinding() throws Exception {
    FuzzTarget throwing = fake(input -> {
      if (input.length > 3) {
        throw new ArrayIndexOutOfBoundsException(input.length);
      }
      return "ok";
    });
    FuzzTarget hungry = fake(input -> "ok " + new byte[16 * 1024 * 1024].length);
    assertInstanceOf(Fuzzer.Verdict.Finding.class, Fuzzer.check(throwing, new byte[8]));
    assertInstanceOf(Fuzzer.Verdict.Passed.class, Fuzzer.check(throwing, new byte[2]));
    assertInstanceOf(Fuzzer.Verdict.Finding.class, Fuzzer.check(hungry, new byte[8]));
    Map<String, Fuzzer.Tally> tallies = Fuzzer.campaign(List.of(throwing),
        Map.of("fake", List.of(new byte[] {1, 2})), 1, Long.MAX_VALUE, 200, null,
        new PrintStream(PrintStream.nullOutputStream()));
    assertFalse(tallies.get("fake").findings.isEmpty(), "the campaign reports the finding");
    assertTrue(Files.isDirectory(corpusRoot()));
  }

  private interface Body {
    String run(byte[] input) throws Exception;
  }

  private static FuzzTarget fake(Body body) {
    return new FuzzTarget() {
      @Override
      public String name() {
        return "fake";
      }

      @Override
      public List<byte[]> seeds() {
        return List.of(new byte[] {1});
      }

      @Override
      public List<Class<? extends Exception>> allowed() {
        return List.of(IOException.class);
      }

      @Override
      public String run(byte[] input) throws Exception {
        return body.run(input);
      }
    };
  }
}
