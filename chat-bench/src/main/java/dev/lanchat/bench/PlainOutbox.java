package dev.lanchat.bench;

import dev.lanchat.server.LingerSlot;
import dev.lanchat.server.WriterPacing;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The yardstick's outbound queue, shaped as LanChat's server outbox: offers never block, and a
 * writer on a virtual thread, running only while there is work, writes up to 512 queued messages
 * (or 1 MiB) at a time with one write. It lingers by the server's own {@link LingerSlot} and
 * {@link WriterPacing}: a writer that has written two batches since it started or last lingered
 * waits up to 20 ms for the next offer when the queue empties, and that offer wakes it instead of
 * starting a new thread. The only difference is what a batch costs: frames of plaintext, where
 * LanChat seals a record per message. Thread-safe.
 */
final class PlainOutbox {
  private static final int BATCH_MESSAGES = 512;
  private static final long BATCH_BYTES = 1L << 20;

  /** Writes a batch of frames with one write. */
  interface Sink {
    void writeFrames(List<byte[]> payloads) throws IOException;
  }

  private final Sink sink;
  private final int maxMessages;
  private final String threadName;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>(8);
  // guarded by lock
  private boolean writing;
  private boolean stopped;
  private Runnable then;
  private final LingerSlot slot;

  PlainOutbox(Sink sink, int maxMessages, String threadName) {
    this(sink, maxMessages, threadName, WriterPacing.DEFAULT.linger());
  }

  /** As above, with how long a busy writer lingers (tests use a long one). */
  PlainOutbox(Sink sink, int maxMessages, String threadName, Duration linger) {
    this.sink = sink;
    this.maxMessages = maxMessages;
    this.threadName = threadName;
    this.slot = new LingerSlot(lock, WriterPacing.DEFAULT.withLinger(linger));
  }

  /** Queues one message; false when the backlog is full (the client is too slow). */
  boolean offer(byte[] encoded) {
    Wake wake;
    lock.lock();
    try {
      if (stopped || then != null) {
        return true; // ending anyway
      }
      if (queue.size() >= maxMessages) {
        return false;
      }
      queue.add(encoded);
      wake = claimWriter();
    } finally {
      lock.unlock();
    }
    startWriter(wake);
    return true;
  }

  /** Writes what is queued, then runs {@code after} (at once if the writer already failed). */
  void finish(Runnable after) {
    boolean now;
    Wake wake;
    lock.lock();
    try {
      then = after;
      now = stopped;
      wake = claimWriter();
    } finally {
      lock.unlock();
    }
    startWriter(wake);
    if (now) {
      after.run();
    }
  }

  /** What a change does for the writer: nothing, start one, or wake the one that lingers. */
  private record Wake(boolean start, Thread unpark) {
    static final Wake NONE = new Wake(false, null);
    static final Wake START = new Wake(true, null);
  }

  /** Under the lock: the writer to wake or start, which the caller does after unlocking. */
  private Wake claimWriter() {
    if (slot.occupied()) {
      return new Wake(false, slot.release());
    }
    if (!writing && !stopped) {
      writing = true;
      return Wake.START;
    }
    return Wake.NONE;
  }

  /** Outside the lock, as LanChat's outbox does: a writer started under it would wait for it. */
  private void startWriter(Wake wake) {
    if (wake.unpark() != null) {
      LockSupport.unpark(wake.unpark());
    } else if (wake.start()) {
      Thread.ofVirtual().name(threadName).start(this::drain);
    }
  }

  private void drain() {
    try {
      while (true) {
        List<byte[]> batch = List.of();
        Runnable after = null;
        boolean linger = false;
        lock.lock();
        try {
          if (!queue.isEmpty()) {
            batch = take();
          } else if (then == null && slot.lingerWhenEmpty()) {
            linger = true;
          } else {
            writing = false;
            if (then != null) {
              stopped = true;
              after = then;
            }
          }
          if (!linger) {
            slot.release();
          }
        } finally {
          lock.unlock();
        }
        if (linger) {
          slot.awaitWake(); // woken by an offer, finish, or the reaper
          continue;
        }
        if (batch.isEmpty()) {
          if (after != null) {
            after.run();
          }
          return; // idle: the next offer starts a writer again
        }
        slot.wroteBatch();
        sink.writeFrames(batch);
      }
    } catch (IOException e) {
      Runnable after;
      lock.lock();
      try {
        stopped = true;
        queue.clear();
        after = then;
      } finally {
        lock.unlock();
      }
      if (after != null) {
        after.run();
      }
    }
  }

  /** Under the lock: up to a batch's worth of what is queued. */
  private List<byte[]> take() {
    List<byte[]> batch = new ArrayList<>(Math.min(queue.size(), BATCH_MESSAGES));
    long bytes = 0;
    while (!queue.isEmpty() && batch.size() < BATCH_MESSAGES
        && (batch.isEmpty() || bytes + queue.peek().length <= BATCH_BYTES)) {
      byte[] m = queue.poll();
      bytes += m.length;
      batch.add(m);
    }
    return batch;
  }
}
