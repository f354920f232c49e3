package dev.lanchat.common.fuzz;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.frame.Frames;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Runs inputs through {@link FuzzTarget}s and judges each run: an exception outside the target's
 * documented ones, any {@code Error}, or an allocation beyond the budget is a {@link
 * Verdict.Finding}. {@link #main} is the time-bounded campaign behind {@code scripts/fuzz}.
 */
final class Fuzzer {
  /** What one input may allocate on top of its own size: one maximal frame plus working room. */
  static final long ALLOCATION_ALLOWANCE = Frames.HEADER_SIZE + Frames.MAX_PAYLOAD + 256 * 1024;
  /** Each byte of input may be copied a few times (frame, plaintext, strings). */
  static final int ALLOCATION_PER_INPUT_BYTE = 8;
  private static final int MAX_POOL = 2_000;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** How one input fared. */
  sealed interface Verdict {
    /** The target behaved: it returned or threw an allowed exception; {@code outcome} names which. */
    record Passed(String outcome) implements Verdict { }

    /** The target broke its rule; {@code why} says how. */
    record Finding(String why, Throwable cause) implements Verdict { }
  }

  private Fuzzer() {}

  /**
   * Feeds {@code input} to {@code target} and judges the result. An input over the allocation
   * budget is run once more and judged by that second run: the first time a code path runs it
   * may load and initialise classes, which is not something an input can repeat.
   */
  static Verdict check(FuzzTarget target, byte[] input) {
    long budget = ALLOCATION_ALLOWANCE + (long) ALLOCATION_PER_INPUT_BYTE * input.length;
    long before = THREADS.getCurrentThreadAllocatedBytes();
    Verdict verdict = runOnce(target, input);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    if (verdict instanceof Verdict.Passed && allocated > budget) {
      before = THREADS.getCurrentThreadAllocatedBytes();
      verdict = runOnce(target, input);
      allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
      if (verdict instanceof Verdict.Passed && allocated > budget) {
        return new Verdict.Finding("allocated " + allocated + " bytes for a " + input.length
            + "-byte input (budget " + budget + ")", null);
      }
    }
    return verdict;
  }

  private static Verdict runOnce(FuzzTarget target, byte[] input) {
    try {
      return new Verdict.Passed(target.run(input.clone()));
    } catch (Exception e) {
      return target.allowed().stream().anyMatch(t -> t.isInstance(e))
          ? new Verdict.Passed(signature(e))
          : new Verdict.Finding("escaped: " + e, e);
    } catch (StackOverflowError | OutOfMemoryError e) {
      return new Verdict.Finding("error: " + e, e);
    }
  }

  private static String signature(Exception e) {
    return e instanceof ProtocolException p ? "ProtocolException " + p.reason()
        : e.getClass().getSimpleName();
  }

  /** The committed corpus of {@code target}: files under {@code fuzz/<name>/} on the class path. */
  static List<byte[]> corpus(Path root, FuzzTarget target) throws IOException {
    Path dir = root.resolve(target.name());
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<byte[]> inputs = new ArrayList<>();
      for (Path f : files.sorted().toList()) {
        inputs.add(Files.readAllBytes(f));
      }
      return inputs;
    }
  }

  /** A content-derived file name, so the same input is never stored twice. */
  static String fileName(byte[] input) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(input);
      return HexFormat.of().formatHex(digest, 0, 8) + ".bin";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Counts of one campaign over one target. */
  static final class Tally {
    long runs;
    /** Each outcome reached, with the first input that reached it. */
    final Map<String, byte[]> outcomes = new LinkedHashMap<>();
    final List<String> findings = new ArrayList<>();
  }

  /**
   * Mutates inputs of every target in turn until {@code deadlineNanos}. An input that reaches an
   * outcome not seen before joins the pool it is mutated from, a cheap stand-in for coverage.
   * Findings are written to {@code findings} and listed in the returned tallies.
   */
  static Map<String, Tally> campaign(List<FuzzTarget> targets, Map<String, List<byte[]>> starts,
      long seed, long deadlineNanos, long maxRuns, Path findings, PrintStream log) throws IOException {
    Random random = new Random(seed);
    Mutator mutator = new Mutator(random);
    Map<String, Tally> tallies = new LinkedHashMap<>();
    Map<String, List<byte[]>> pools = new LinkedHashMap<>();
    for (FuzzTarget t : targets) {
      tallies.put(t.name(), new Tally());
      pools.put(t.name(), new ArrayList<>(starts.get(t.name())));
    }
    long runs = 0;
    while (System.nanoTime() < deadlineNanos && runs < maxRuns) {
      FuzzTarget target = targets.get((int) (runs++ % targets.size()));
      List<byte[]> pool = pools.get(target.name());
      byte[] input = mutator.mutate(pool.get(random.nextInt(pool.size())), pool);
      Tally tally = tallies.get(target.name());
      tally.runs++;
      switch (check(target, input)) {
        case Verdict.Passed p -> {
          if (tally.outcomes.putIfAbsent(p.outcome(), input) == null && pool.size() < MAX_POOL) {
            pool.add(input);
          }
        }
        case Verdict.Finding f -> {
          String file = fileName(input);
          if (findings != null) {
            Path dir = findings.resolve(target.name());
            Files.createDirectories(dir);
            Files.write(dir.resolve(file), input);
          }
          tally.findings.add(file + ": " + f.why());
          log.println("FINDING " + target.name() + " " + file + ": " + f.why());
        }
      }
    }
    return tallies;
  }

  /**
   * {@code Fuzzer SECONDS [SEED]}: fuzzes every target, starting from its seeds and committed
   * corpus, for that long; prints what it found and exits 1 if anything broke a rule.
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 3 && args[0].equals("--write-corpus")) {
      writeCorpus(Path.of(args[1]), Long.parseLong(args[2]));
      return;
    }
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: Fuzzer SECONDS [SEED] | Fuzzer --write-corpus DIR SEED");
      System.exit(2);
    }
    long seconds = Long.parseLong(args[0]);
    if (seconds < 1 || seconds > 86_400) {
      System.err.println("SECONDS must be 1 to 86400");
      System.exit(2);
    }
    long seed = args.length == 2 ? Long.parseLong(args[1]) : System.nanoTime();
    Path corpusRoot = Path.of(System.getProperty("lanchat.fuzz.corpus", "src/test/resources/fuzz"));
    Path findings = Path.of(System.getProperty("lanchat.fuzz.findings", "target/fuzz-findings"));
    List<FuzzTarget> targets = Targets.all();
    Map<String, List<byte[]>> starts = new LinkedHashMap<>();
    for (FuzzTarget t : targets) {
      List<byte[]> start = new ArrayList<>(t.seeds());
      start.addAll(corpus(corpusRoot, t));
      starts.put(t.name(), start);
    }
    System.out.println("fuzzing " + targets.size() + " targets for " + seconds + " s, seed " + seed);
    Map<String, Tally> tallies = campaign(targets, starts, seed,
        System.nanoTime() + seconds * 1_000_000_000L, Long.MAX_VALUE, findings, System.out);
    int found = 0;
    for (Map.Entry<String, Tally> e : tallies.entrySet()) {
      Tally t = e.getValue();
      found += t.findings.size();
      System.out.printf("%-18s %,10d runs %5d outcomes %3d findings%n", e.getKey(), t.runs,
          t.outcomes.size(), t.findings.size());
    }
    if (found > 0) {
      System.out.println(found + " findings; inputs are in " + findings.toAbsolutePath()
          + " (copy one into " + corpusRoot + "/<target>/ to replay it in every build)");
      System.exit(1);
    }
    System.out.println("no findings (seed " + seed + ")");
  }

  /**
   * Writes a small corpus: each target's seeds, plus the first input of a seeded campaign that
   * reached each distinct outcome (at most {@code PER_TARGET} per target).
   */
  private static void writeCorpus(Path root, long seed) throws IOException {
    final int perTarget = 24;
    List<FuzzTarget> targets = Targets.all();
    Map<String, List<byte[]>> starts = new LinkedHashMap<>();
    targets.forEach(t -> starts.put(t.name(), t.seeds()));
    Map<String, Tally> tallies = campaign(targets, starts, seed, Long.MAX_VALUE,
        20_000L * targets.size(), null, System.out);
    for (FuzzTarget t : targets) {
      Path dir = root.resolve(t.name());
      Files.createDirectories(dir);
      List<byte[]> inputs = new ArrayList<>(t.seeds());
      tallies.get(t.name()).outcomes.values().stream().limit(perTarget).forEach(inputs::add);
      for (byte[] input : inputs) {
        Files.write(dir.resolve(fileName(input)), input);
      }
      System.out.println(t.name() + ": " + inputs.size() + " inputs");
    }
  }
}
