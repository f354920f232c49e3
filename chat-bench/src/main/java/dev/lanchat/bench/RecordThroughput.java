package dev.lanchat.bench;

import dev.lanchat.common.channel.SecureChannel;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.message.Message;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * Seals and sends a bounded number of MESSAGE records through a {@link SecureChannel} over a
 * loopback TCP connection, one record per call or 64 per {@code sendEncoded} call. Each mode
 * runs twice: flooded (the sender never waits, which gives records per second) and one batch at
 * a time (the sender waits until the receiver has the previous batch, which gives the latency of
 * a batch without queueing: from the start of its send until the receiver has opened and decoded
 * its last record). Loopback only; it stops by itself.
 *
 * <p>Usage: {@code java -cp chat-bench/target/benchmarks.jar dev.lanchat.bench.RecordThroughput
 * [records per mode]}.
 */
public final class RecordThroughput {
  static final int DEFAULT_RECORDS = 256_000;
  static final int MAX_RECORDS = 10_000_000;
  static final int WARMUP_RECORDS = 128_000;
  static final long TIMEOUT_SECONDS = 120;

  /** How the sender hands records to the channel. */
  enum Mode {
    PER_RECORD_SEND("send(message), 1 per call", 1),
    SEND_ENCODED_1("sendEncoded, batch of 1", 1),
    SEND_ENCODED_64("sendEncoded, batch of 64", 64);

    final String label;
    final int batch;

    Mode(String label, int batch) {
      this.label = label;
      this.batch = batch;
    }
  }

  /** What one measured pass gave. */
  record Result(Mode mode, boolean flooded, int records, long nanos, Histogram batchNanos) {
    double recordsPerSecond() {
      return records * 1e9 / nanos;
    }
  }

  private RecordThroughput() {}

  public static void main(String[] args) {
    int records;
    try {
      records = parseRecords(args);
    } catch (IllegalArgumentException e) {
      System.err.println("record-throughput: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      run(records, System.out);
    } catch (IOException | RuntimeException e) {
      System.err.println("record-throughput: failed: " + e.getMessage());
      System.exit(1);
    }
  }

  static int parseRecords(String[] args) {
    if (args.length == 0) {
      return DEFAULT_RECORDS;
    }
    if (args.length > 1) {
      throw new IllegalArgumentException("usage: RecordThroughput [records per mode]");
    }
    int n;
    try {
      n = Integer.parseInt(args[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("records must be a whole number, not \"" + args[0] + "\"");
    }
    if (n < 64 || n > MAX_RECORDS) {
      throw new IllegalArgumentException("records must be between 64 and " + MAX_RECORDS);
    }
    return n / 64 * 64;
  }

  static void run(int records, PrintStream out) throws IOException {
    byte[] payload = MessageCodec.encode(
        PlainWire.chat(1, "alice", CodecBenchmark.TYPICAL_LINE));
    out.printf(Locale.ROOT, "MESSAGE records of %d plaintext bytes (%d on the wire), %d per pass"
        + " after a warm-up of %d; loopback TCP, TCP_NODELAY%n",
        payload.length, payload.length + CipherState.TAG_SIZE + 4, records, WARMUP_RECORDS);
    for (Mode mode : Mode.values()) {
      pass(mode, true, WARMUP_RECORDS);
      pass(mode, false, WARMUP_RECORDS / 8);
    }
    List<Result> results = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      results.add(pass(mode, true, records));
    }
    for (Mode mode : Mode.values()) {
      results.add(pass(mode, false, records / 8));
    }
    out.printf(Locale.ROOT, "%-28s %-14s %10s %12s %12s %12s %12s %12s%n", "mode", "sender",
        "records", "records/s", "batch p50 us", "batch p99 us", "p99.9 us", "max us");
    for (Result r : results) {
      Histogram h = r.batchNanos();
      out.printf(Locale.ROOT, "%-28s %-14s %10d %,12.0f %12.1f %12.1f %12.1f %12.1f%n",
          r.mode().label, r.flooded() ? "flooding" : "batch at once", r.records(),
          r.recordsPerSecond(), h.getValueAtPercentile(50) / 1e3,
          h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
          h.getMaxValue() / 1e3);
    }
  }

  /**
   * Sends {@code records} records in {@code mode} over a fresh loopback connection; unless
   * {@code flooded}, each batch waits until the receiver has the one before.
   */
  static Result pass(Mode mode, boolean flooded, int wanted) throws IOException {
    int records = wanted / mode.batch * mode.batch;
    SecureRandom random = new SecureRandom();
    byte[] key = new byte[32];
    byte[] otherKey = new byte[32];
    random.nextBytes(key);
    random.nextBytes(otherKey);
    Message message =
        PlainWire.chat(1, "alice", CodecBenchmark.TYPICAL_LINE);
    byte[] encoded = MessageCodec.encode(message);
    List<byte[]> batch = Collections.nCopies(mode.batch, encoded);
    int batches = records / mode.batch;
    // Released by the receiver when a batch is in; a flooding sender does not wait for it.
    Semaphore delivered = new Semaphore(1);
    AtomicLongArray batchStart = new AtomicLongArray(batches);
    Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS), 3);

    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket listener = new ServerSocket(0, 1, loopback);
         Socket senderSocket = new Socket(loopback, listener.getLocalPort());
         Socket receiverSocket = listener.accept()) {
      senderSocket.setTcpNoDelay(true);
      receiverSocket.setTcpNoDelay(true);
      receiverSocket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(10));
      MessageChannel sender = new MessageChannel(new SecureChannel(
          new FrameReader(senderSocket.getInputStream()),
          new FrameWriter(senderSocket.getOutputStream()),
          CipherState.of(key), CipherState.of(otherKey)));
      MessageChannel receiver = new MessageChannel(new SecureChannel(
          new FrameReader(new BufferedInputStream(receiverSocket.getInputStream(), 1 << 16)),
          new FrameWriter(receiverSocket.getOutputStream()),
          CipherState.of(otherKey), CipherState.of(key)));

      CompletableFuture<Long> received =
          receive(receiver, records, mode.batch, batchStart, latency, delivered);

      long start = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        if (!flooded) {
          awaitDelivery(delivered, b - 1);
        }
        batchStart.set(b, System.nanoTime());
        switch (mode) {
          case PER_RECORD_SEND -> sender.send(message);
          case SEND_ENCODED_1, SEND_ENCODED_64 -> sender.sendEncoded(batch);
        }
      }
      return new Result(mode, flooded, records, awaitEnd(received) - start, latency);
    }
  }

  /**
   * Reads {@code records} records on a daemon thread, timing each batch of {@code batch} from
   * its start in {@code batchStart} and releasing {@code delivered} for it; completes with the
   * time the last arrived.
   */
  private static CompletableFuture<Long> receive(MessageChannel receiver, int records,
      int batch, AtomicLongArray batchStart, Histogram latency, Semaphore delivered) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        for (int i = 0; i < records; i++) {
          receiver.receiveFromServer();
          if ((i + 1) % batch == 0) {
            latency.recordValue(System.nanoTime() - batchStart.get(i / batch));
            delivered.release();
          }
        }
        return System.nanoTime();
      } catch (IOException e) {
        throw new IllegalStateException("the receiver failed: " + e.getMessage(), e);
      }
    }, runnable -> {
      Thread thread = new Thread(runnable, "record-receiver");
      thread.setDaemon(true);
      thread.start();
    });
  }

  private static long awaitEnd(CompletableFuture<Long> received) throws IOException {
    try {
      return received.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the receiver", e);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("the receiver did not finish within " + TIMEOUT_SECONDS + " s", e);
    }
  }

  private static void awaitDelivery(Semaphore delivered, int batch) throws IOException {
    try {
      if (!delivered.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException(
            "batch " + batch + " did not arrive within " + TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the receiver", e);
    }
  }
}
