package dev.lanchat.bench;

import dev.lanchat.common.channel.SecureChannel;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.crypto.KeyLimitException;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What it costs to make one batch of records ready for the socket (issue 12), two ways in
 * turns: {@link SecureChannel#send}, which seals each record straight into the frames of its one
 * write, and sealing each record into an array of its own ({@link CipherState#seal}) that {@link
 * FrameWriter#writeFrames} then copies into the frames, how {@code send} worked before. The
 * stream drops what it is given, so only the sealing and the laying out are measured.
 *
 * <p>On a shared machine whose speed drifts from one minute to the next, two JMH runs one after
 * the other do not resolve a difference of a fifth; here the two ways alternate in rounds of a
 * fraction of a second, each timed by this thread's CPU, and the ratio is taken per round.
 *
 * <pre>java -cp chat-bench/target/benchmarks.jar dev.lanchat.bench.RecordWriteComparison
 *     [records per batch] [plaintext bytes per record] [rounds]</pre>
 */
final class RecordWriteComparison {
  /** Batches written each way per round. */
  static final int BATCHES_PER_ROUND = 2_000;

  /** The CPU of both ways in one round. */
  record Round(long inPlaceNanos, long copiedNanos) {
    double ratio() {
      return (double) inPlaceNanos / copiedNanos;
    }
  }

  private final List<byte[]> plaintexts;
  private final byte[] key = new byte[32];
  private final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();

  RecordWriteComparison(int records, int size) {
    Random random = new Random(20261206L);
    random.nextBytes(key);
    plaintexts = new ArrayList<>(records);
    for (int i = 0; i < records; i++) {
      byte[] plaintext = new byte[size];
      random.nextBytes(plaintext);
      plaintexts.add(plaintext);
    }
  }

  public static void main(String[] args) {
    int records;
    int size;
    int rounds;
    try {
      records = arg(args, 0, 20, 1, 1_000);
      size = arg(args, 1, 1_000, 1, CipherState.MAX_PLAINTEXT);
      rounds = arg(args, 2, 40, 2, 1_000);
    } catch (IllegalArgumentException e) {
      System.err.println("record-write-comparison: " + e.getMessage()
          + "\nusage: RecordWriteComparison [records per batch] [bytes per record] [rounds]");
      System.exit(2);
      return;
    }
    try {
      new RecordWriteComparison(records, size).report(rounds, System.out);
    } catch (IOException e) {
      System.err.println("record-write-comparison: failed: " + e.getMessage());
      System.exit(1);
    }
  }

  private static int arg(String[] args, int index, int otherwise, int min, int max) {
    if (args.length > 3) {
      throw new IllegalArgumentException("at most three arguments");
    }
    if (index >= args.length) {
      return otherwise;
    }
    try {
      int value = Integer.parseInt(args[index]);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(
        "argument " + (index + 1) + " must be a whole number from " + min + " to " + max);
  }

  void report(int rounds, PrintStream out) throws IOException {
    Round[] measured = new Round[rounds];
    for (int i = 0; i < rounds; i++) {
      measured[i] = round(BATCHES_PER_ROUND);
    }
    // the first half warms the JIT up; the median of the second half's ratios is the answer
    Round[] warm = Arrays.copyOfRange(measured, rounds / 2, rounds);
    double[] ratios = Arrays.stream(warm).mapToDouble(Round::ratio).sorted().toArray();
    long inPlace = Arrays.stream(warm).mapToLong(Round::inPlaceNanos).sum();
    long copied = Arrays.stream(warm).mapToLong(Round::copiedNanos).sum();
    long batches = (long) BATCHES_PER_ROUND * warm.length;
    out.printf(Locale.ROOT, "%d record(s) of %d bytes per batch, %d rounds of %d batches each way"
        + " (the last %d measured)%n", plaintexts.size(), plaintexts.get(0).length, rounds,
        BATCHES_PER_ROUND, warm.length);
    out.printf(Locale.ROOT, "sealed in place:     %.2f us of CPU per batch%n",
        inPlace / 1e3 / batches);
    out.printf(Locale.ROOT, "sealed, then copied: %.2f us of CPU per batch%n",
        copied / 1e3 / batches);
    out.printf(Locale.ROOT, "in place / copied: %.3f, the median of %d rounds (%.3f to %.3f)%n",
        ratios[ratios.length / 2], ratios.length, ratios[0], ratios[ratios.length - 1]);
  }

  /** One round: {@code batches} batches sealed in place, then as many sealed and copied. */
  Round round(int batches) throws IOException {
    FrameWriter writer = new FrameWriter(OutputStream.nullOutputStream());
    SecureChannel channel = channel(writer);
    CipherState sealer = sealer();
    long start = cpu.getCurrentThreadCpuTime();
    for (int i = 0; i < batches; i++) {
      channel.send(plaintexts);
    }
    long middle = cpu.getCurrentThreadCpuTime();
    for (int i = 0; i < batches; i++) {
      writer.writeFrames(sealedThenCopied(sealer));
    }
    long end = cpu.getCurrentThreadCpuTime();
    return new Round(middle - start, end - middle);
  }

  /** A channel that seals with a fresh key state, as {@link #round} writes in place. */
  SecureChannel channel(FrameWriter writer) {
    return new SecureChannel(new FrameReader(InputStream.nullInputStream()), writer,
        CipherState.of(key), CipherState.of(key));
  }

  /** A key state that seals as {@link #channel} does, for {@link #sealedThenCopied}. */
  CipherState sealer() {
    return CipherState.of(key);
  }

  /** The plaintexts of one batch. */
  List<byte[]> plaintexts() {
    return plaintexts;
  }

  /** The batch's records, each sealed into an array of its own. */
  List<byte[]> sealedThenCopied(CipherState sealer) throws KeyLimitException {
    List<byte[]> records = new ArrayList<>(plaintexts.size());
    for (byte[] plaintext : plaintexts) {
      records.add(sealer.seal(plaintext));
    }
    return records;
  }
}
