package dev.lanchat.bench;

import dev.lanchat.common.channel.SecureChannel;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.message.Message;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * Seals and sends a bounded number of MESSAGE records through a {@link SecureChannel} over a
 * loopback TCP connection, one record per call or 64 per {@code sendEncoded} call, and reports
 * records per second and the latency of each batch (from the start of its send until the
 * receiver has opened and decoded its last record). Loopback only; it stops by itself.
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
  record Result(Mode mode, int records, long nanos, Histogram batchNanos) {
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
        new ServerMessage.Chat(1_764_000_000_000L, "alice", CodecBenchmark.TYPICAL_LINE));
    out.printf(Locale.ROOT, "MESSAGE records of %d plaintext bytes (%d on the wire), %d per mode"
        + " after a warm-up of %d; loopback TCP, TCP_NODELAY%n",
        payload.length, payload.length + CipherState.TAG_SIZE + 4, records, WARMUP_RECORDS);
    for (Mode mode : Mode.values()) {
      pass(mode, WARMUP_RECORDS);
    }
    List<Result> results = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      results.add(pass(mode, records));
    }
    out.printf(Locale.ROOT, "%-28s %12s %14s %14s %14s %14s%n",
        "mode", "records/s", "batch p50 us", "batch p99 us", "batch p99.9 us", "batch max us");
    for (Result r : results) {
      Histogram h = r.batchNanos();
      out.printf(Locale.ROOT, "%-28s %,12.0f %14.1f %14.1f %14.1f %14.1f%n",
          r.mode().label, r.recordsPerSecond(), h.getValueAtPercentile(50) / 1e3,
          h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
          h.getMaxValue() / 1e3);
    }
  }

  /** Sends {@code records} records in {@code mode} over a fresh loopback connection. */
  static Result pass(Mode mode, int records) throws IOException {
    SecureRandom random = new SecureRandom();
    byte[] key = new byte[32];
    byte[] otherKey = new byte[32];
    random.nextBytes(key);
    random.nextBytes(otherKey);
    byte[] identity = new byte[32];
    Message message =
        new ServerMessage.Chat(1_764_000_000_000L, "alice", CodecBenchmark.TYPICAL_LINE);
    byte[] encoded = MessageCodec.encode(message);
    List<byte[]> batch = Collections.nCopies(mode.batch, encoded);
    int batches = records / mode.batch;
    AtomicLongArray batchStart = new AtomicLongArray(batches);
    Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS), 3);

    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket listener = new ServerSocket(0, 1, loopback);
         Socket senderSocket = new Socket(loopback, listener.getLocalPort());
         Socket receiverSocket = listener.accept()) {
      senderSocket.setTcpNoDelay(true);
      receiverSocket.setTcpNoDelay(true);
      receiverSocket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(10));
      SecureChannel sender = new SecureChannel(
          new FrameReader(senderSocket.getInputStream()),
          new FrameWriter(senderSocket.getOutputStream()),
          CipherState.of(key), CipherState.of(otherKey), identity);
      SecureChannel receiver = new SecureChannel(
          new FrameReader(new BufferedInputStream(receiverSocket.getInputStream(), 1 << 16)),
          new FrameWriter(receiverSocket.getOutputStream()),
          CipherState.of(otherKey), CipherState.of(key), identity);

      CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> {
        try {
          for (int i = 0; i < records; i++) {
            receiver.receiveFromServer();
            if ((i + 1) % mode.batch == 0) {
              latency.recordValue(System.nanoTime() - batchStart.get(i / mode.batch));
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

      long start = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        batchStart.set(b, System.nanoTime());
        switch (mode) {
          case PER_RECORD_SEND -> sender.send(message);
          case SEND_ENCODED_1, SEND_ENCODED_64 -> sender.sendEncoded(batch);
        }
      }
      long end;
      try {
        end = received.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the receiver", e);
      } catch (ExecutionException e) {
        throw new IOException(e.getCause().getMessage(), e.getCause());
      } catch (TimeoutException e) {
        throw new IOException("the receiver did not finish within " + TIMEOUT_SECONDS + " s", e);
      }
      return new Result(mode, records, end - start, latency);
    }
  }
}
