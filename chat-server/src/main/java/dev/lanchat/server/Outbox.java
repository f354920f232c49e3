package dev.lanchat.server;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection's outbound queue of encoded messages, bounded by a message count and a byte
 * count (protocol §7, "outbound backlog"), and the writer that drains it: whatever is queued
 * when the writer wakes is sealed with this connection's {@code k_s2c} and written in one write,
 * so one slow client never delays another.
 *
 * <p>It writes to a {@link Sink}, not to a socket, so it can be tested in memory.
 *
 * <p>Thread-safe. {@link #offer} never blocks (the room calls it while holding its lock); only
 * the writer thread blocks, on the socket.
 */
final class Outbox {
  /** Most messages sealed and written together. */
  private static final int BATCH_MESSAGES = 512;
  /** Most plaintext bytes sealed and written together. */
  private static final long BATCH_BYTES = 1L << 20;

  /** Where the writer puts each batch: the connection's record layer, or a fake in tests. */
  interface Sink {
    /** Seals and writes {@code encoded} messages, in order, in as few writes as it can. */
    void send(List<byte[]> encoded) throws IOException;
  }

  /** What the writer does once the queue is empty for good. */
  interface Finisher {
    /** Called on the writer thread after the last queued message was written, or failed. */
    void finished(boolean flushed);
  }

  private final Sink sink;
  private final OutboundBudget budget;
  private final int maxMessages;
  private final long maxBytes;
  private final Finisher finisher;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private long queuedBytes;
  private boolean finishing;
  private boolean aborted;

  /**
   * @param sink where batches are written
   * @param budget the server-wide budget this queue's bytes count against
   * @param maxMessages most messages queued
   * @param maxBytes most bytes queued
   * @param finisher told when the writer has stopped
   */
  Outbox(Sink sink, OutboundBudget budget, int maxMessages, long maxBytes, Finisher finisher) {
    this.sink = sink;
    this.budget = budget;
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    this.finisher = finisher;
  }

  /** Starts the writer on a new virtual thread. */
  void start(String threadName) {
    Thread.ofVirtual().name(threadName).start(this::drain);
  }

  /**
   * Queues one encoded message without blocking.
   *
   * @return false when the backlog is full, or the server-wide budget is spent and this queue
   *     holds more than its reserve: the client is too slow and must be removed. After
   *     {@link #finish} or {@link #abort} the message is dropped and true is returned, since the
   *     connection is ending anyway.
   */
  boolean offer(byte[] encoded) {
    lock.lock();
    try {
      if (finishing || aborted) {
        return true;
      }
      if (queue.size() >= maxMessages || queuedBytes + encoded.length > maxBytes
          || !budget.tryTake(encoded.length, queuedBytes)) {
        return false;
      }
      queue.add(encoded);
      queuedBytes += encoded.length;
      changed.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues {@code last} (if not null, past the limits) and lets the writer flush everything, then
   * call the finisher. Later offers are dropped. Calling it again does nothing.
   */
  void finish(byte[] last) {
    lock.lock();
    try {
      if (finishing || aborted) {
        return;
      }
      if (last != null) {
        queue.add(last);
        queuedBytes += last.length;
        budget.take(last.length);
      }
      finishing = true;
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Drops everything queued and stops the writer after its current write. */
  void abort() {
    lock.lock();
    try {
      aborted = true;
      queue.clear();
      budget.give(queuedBytes);
      queuedBytes = 0;
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the writer has stopped.
   *
   * @return false if it had not stopped in time
   */
  boolean awaitDone(long timeout, TimeUnit unit) throws InterruptedException {
    return done.await(timeout, unit);
  }

  private void drain() {
    boolean flushed = false;
    try {
      while (true) {
        List<byte[]> batch = next();
        if (batch == null) {
          flushed = true;
          return;
        }
        if (batch.isEmpty()) {
          return;
        }
        try {
          sink.send(batch);
        } finally {
          // given back only now: a writer blocked on a client that does not read still counts
          budget.give(sizeOf(batch));
        }
      }
    } catch (IOException e) {
      // the socket failed or the key is used up: the reader sees the closed socket and ends the
      // session with "connection lost"
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      dropRest();
      done.countDown();
      finisher.finished(flushed);
    }
  }

  /** After the writer stopped: what is still queued will never be written, so give it back. */
  private void dropRest() {
    lock.lock();
    try {
      aborted = true;
      queue.clear();
      budget.give(queuedBytes);
      queuedBytes = 0;
    } finally {
      lock.unlock();
    }
  }

  private static long sizeOf(List<byte[]> batch) {
    long bytes = 0;
    for (byte[] message : batch) {
      bytes += message.length;
    }
    return bytes;
  }

  /** The next batch; empty when aborted; null when finishing and everything was written. */
  private List<byte[]> next() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !finishing && !aborted) {
        changed.await();
      }
      if (aborted) {
        return List.of();
      }
      if (queue.isEmpty()) {
        return null;
      }
      List<byte[]> batch = new ArrayList<>(Math.min(queue.size(), BATCH_MESSAGES));
      long bytes = 0;
      while (!queue.isEmpty() && batch.size() < BATCH_MESSAGES
          && (batch.isEmpty() || bytes + queue.peek().length <= BATCH_BYTES)) {
        byte[] message = queue.poll();
        bytes += message.length;
        batch.add(message);
      }
      queuedBytes -= bytes;
      return batch; // its bytes stay in the budget until written: see drain()

    } finally {
      lock.unlock();
    }
  }
}
