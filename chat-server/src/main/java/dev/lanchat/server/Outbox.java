package dev.lanchat.server;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection's outbound queue of encoded messages, bounded by a message count and a byte
 * count (protocol §7, "outbound backlog"), and the writer that drains it: whatever is queued
 * when the writer runs is sealed with this connection's {@code k_s2c} and written in one write,
 * so one slow client never delays another.
 *
 * <p>The writer is a virtual thread that runs only while there is something to write: an offer
 * to an empty, idle outbox starts one, and it ends when it finds the queue empty. An idle
 * connection therefore holds no parked writer and no writer stack (a few KiB each, which at
 * 10,000 connections is most of the server's heap); a busy one keeps its writer running from
 * batch to batch.
 *
 * <p>A writer that has written two or more batches since it started or last lingered is busy
 * ({@link WriterPacing}): when it finds the queue empty it lingers (parks) for up to 20 ms
 * before it ends, and the next offer wakes it instead of starting a new thread. Under a high
 * pace, where more is queued while a batch is written, that saves a thread's start and end per
 * batch. {@link LingerSlot} decides and keeps the lingers; a linger is an untimed park, which
 * {@link LingerReaper} ends once its time is up, rather than a timer per linger. A writer with one batch to write ends at once, and so does
 * a woken one that wrote one batch: at a low pace a writer that lingered from one offer to the
 * next delivered later than a new thread does (docs/performance.md, "A busy writer lingers"),
 * and an idle connection's memory stays as without it. {@link #finish} and {@link #abort} wake
 * a lingering writer too.
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
  /** The queue's room while nothing waits; more than this and an emptied queue is replaced. */
  private static final int IDLE_CAPACITY = 8;

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
  // small: an idle connection's queue is empty, and ArrayDeque grows by itself under load (and
  // never shrinks, so a queue that grew is replaced once it is empty: see next())
  private ArrayDeque<OutboundRecord> queue = new ArrayDeque<>(IDLE_CAPACITY);
  private int peak;
  private final CountDownLatch done = new CountDownLatch(1);
  private long queuedBytes;
  private boolean finishing;
  private boolean aborted;
  // guarded by lock: the name writers get once started, and whether one is running now
  private String threadName;
  private boolean writing;
  // when the writer lingers, and which writer the next change must wake
  private final LingerSlot slot;

  /**
   * @param sink where batches are written
   * @param budget the server-wide budget this queue's bytes count against
   * @param maxMessages most messages queued
   * @param maxBytes most bytes queued
   * @param finisher told when the writer has stopped
   */
  Outbox(Sink sink, OutboundBudget budget, int maxMessages, long maxBytes, Finisher finisher) {
    this(sink, budget, maxMessages, maxBytes, finisher, WriterPacing.DEFAULT.linger());
  }

  /** As above, with how long a busy writer lingers (tests use a long or a short one). */
  Outbox(Sink sink, OutboundBudget budget, int maxMessages, long maxBytes, Finisher finisher,
      Duration linger) {
    this.sink = sink;
    this.budget = budget;
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    this.finisher = finisher;
    this.slot = new LingerSlot(lock, WriterPacing.DEFAULT.withLinger(linger));
  }

  /**
   * Lets writers run, on virtual threads named {@code threadName}; what was queued before is
   * written now.
   */
  void start(String threadName) {
    Wake wake;
    lock.lock();
    try {
      this.threadName = threadName;
      wake = claimWriter();
    } finally {
      lock.unlock();
    }
    startWriter(wake);
  }

  /**
   * Under the lock, after a change: true if there is work and no writer, which the caller then
   * starts with {@link #startWriter} once it has released the lock. Started under the lock, the
   * new writer would at once wait for that lock in {@link #next} and have to be woken again:
   * two schedulings of a virtual thread per wake instead of one.
   */
  private Wake claimWriter() {
    if (!queue.isEmpty() || finishing || aborted) {
      if (slot.occupied()) {
        return new Wake.Unpark(slot.release());
      }
      if (threadName != null && !writing) {
        writing = true;
        return Wake.START;
      }
    }
    return Wake.NONE;
  }

  /** Outside the lock: starts or wakes the writer as {@link #claimWriter} decided. */
  private void startWriter(Wake wake) {
    switch (wake) {
      case Wake.Start s -> Thread.ofVirtual().name(threadName).start(this::drain);
      case Wake.Unpark u -> LockSupport.unpark(u.writer());
      case Wake.None n -> { }
    }
  }

  /**
   * What a change does for the writer: nothing, start one, or wake the one that lingers. Every
   * offer makes one, so the two without a thread are shared.
   */
  private sealed interface Wake {
    Wake NONE = new None();
    Wake START = new Start();

    record None() implements Wake {}

    record Start() implements Wake {}

    record Unpark(Thread writer) implements Wake {}
  }

  /**
   * Queues one encoded message, held by this queue alone, without blocking.
   *
   * @return as {@link #offer(OutboundRecord)}
   */
  boolean offer(byte[] encoded) {
    return offer(new OutboundRecord(encoded));
  }

  /**
   * Queues one record without blocking; other queues may hold the same record (a room's
   * fan-out), which the server-wide budget then counts once.
   *
   * @return false when the backlog is full, or the server-wide budget is spent and this queue
   *     holds more than its reserve: the client is too slow and must be removed. After
   *     {@link #finish} or {@link #abort} the message is dropped and true is returned, since the
   *     connection is ending anyway.
   */
  boolean offer(OutboundRecord record) {
    return offerAll(List.of(record));
  }

  /**
   * Queues records in order, under one hold of the lock, as {@link #offer(OutboundRecord)} does
   * for each; the first that does not fit and everything after it are not queued.
   *
   * @return false when one did not fit (the client is too slow and must be removed)
   */
  boolean offerAll(List<OutboundRecord> records) {
    Wake wake;
    boolean all = true;
    lock.lock();
    try {
      if (finishing || aborted) {
        return true;
      }
      for (OutboundRecord record : records) {
        int length = record.length();
        if (queue.size() >= maxMessages || queuedBytes + length > maxBytes
            || !budget.tryTake(record, queuedBytes)) {
          all = false;
          break;
        }
        queue.add(record);
        queuedBytes += length;
      }
      peak = Math.max(peak, queue.size());
      wake = claimWriter();
    } finally {
      lock.unlock();
    }
    startWriter(wake);
    return all;
  }

  /**
   * Queues {@code last} (if not null, past the limits) and lets the writer flush everything, then
   * call the finisher. Later offers are dropped. Calling it again does nothing.
   */
  void finish(byte[] last) {
    Wake wake;
    lock.lock();
    try {
      if (finishing || aborted) {
        return;
      }
      if (last != null) {
        OutboundRecord record = new OutboundRecord(last);
        queue.add(record);
        queuedBytes += last.length;
        budget.take(record);
      }
      finishing = true;
      wake = claimWriter();
    } finally {
      lock.unlock();
    }
    startWriter(wake);
  }

  /** Drops everything queued and stops the writer after its current write. */
  void abort() {
    Wake wake;
    lock.lock();
    try {
      aborted = true;
      giveBackQueued();
      wake = claimWriter();
    } finally {
      lock.unlock();
    }
    startWriter(wake);
  }

  /** True while a writer thread is running (for tests: an idle outbox holds none). */
  boolean writerRunning() {
    lock.lock();
    try {
      return writing && done.getCount() > 0;
    } finally {
      lock.unlock();
    }
  }

  /** True while a busy writer waits for the next offer (for tests). */
  boolean writerLingering() {
    lock.lock();
    try {
      return slot.occupied();
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

  /**
   * One writer's run: batches until the queue is empty and stays so for the linger, if the
   * writer is busy (the writer ends), or the outbox is over.
   */
  private void drain() {
    try {
      while (true) {
        switch (next()) {
          case Step.Write w -> {
            slot.wroteBatch();
            try {
              sink.send(bytesOf(w.batch()));
            } finally {
              // given back only now: a writer blocked on a client that does not read still counts
              giveBack(w.batch());
            }
          }
          // woken by an offer, finish or abort, or by the reaper once the time is up; next()
          // tells which
          case Step.Linger l -> slot.awaitWake();
          case Step.Idle i -> {
            return; // a later offer starts the next writer
          }
          case Step.Flushed f -> {
            stopped(true);
            return;
          }
          case Step.Aborted a -> {
            stopped(false);
            return;
          }
        }
      }
    } catch (IOException e) {
      // the socket failed or the key is used up: the reader sees the closed socket and ends the
      // session with "connection lost"
      stopped(false);
    } catch (RuntimeException | Error e) {
      stopped(false);
      throw e;
    }
  }

  /** The outbox is over: nothing more will be written, and whoever waits is told. */
  private void stopped(boolean flushed) {
    dropRest();
    done.countDown();
    finisher.finished(flushed);
  }

  /** After the writer stopped: what is still queued will never be written, so give it back. */
  private void dropRest() {
    lock.lock();
    try {
      aborted = true;
      giveBackQueued();
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: empties the queue and gives every record in it back to the budget. */
  private void giveBackQueued() {
    for (OutboundRecord record : queue) {
      budget.give(record);
    }
    queue.clear();
    queuedBytes = 0;
  }

  private void giveBack(List<OutboundRecord> batch) {
    for (OutboundRecord record : batch) {
      budget.give(record);
    }
  }

  private static List<byte[]> bytesOf(List<OutboundRecord> batch) {
    List<byte[]> encoded = new ArrayList<>(batch.size());
    for (OutboundRecord record : batch) {
      encoded.add(record.bytes());
    }
    return encoded;
  }

  private static final Step LINGER = new Step.Linger();

  /** What the writer does next. */
  private sealed interface Step {
    /** Write this batch. */
    record Write(List<OutboundRecord> batch) implements Step {}

    /** Nothing to write yet: a busy writer waits for the next offer ({@link LingerSlot}). */
    record Linger() implements Step {}

    /** Nothing to write for now: the writer ends, and the next offer starts another. */
    record Idle() implements Step {}

    /** Finishing, and everything was written. */
    record Flushed() implements Step {}

    /** Aborted: nothing more is written. */
    record Aborted() implements Step {}
  }

  /** What the writer does next; unless it lingers, the slot no longer holds it. */
  private Step next() {
    lock.lock();
    try {
      Step step = decide();
      if (!(step instanceof Step.Linger)) {
        slot.release();
      }
      return step;
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: {@link #next}'s choice. */
  private Step decide() {
    if (aborted) {
      return new Step.Aborted();
    }
    if (queue.isEmpty()) {
      if (finishing) {
        return new Step.Flushed();
      }
      if (slot.lingerWhenEmpty()) {
        return LINGER;
      }
      writing = false;
      if (peak > IDLE_CAPACITY) { // a burst grew it: an idle connection keeps a small one
        queue = new ArrayDeque<>(IDLE_CAPACITY);
        peak = 0;
      }
      return new Step.Idle();
    }
    List<OutboundRecord> batch = new ArrayList<>(Math.min(queue.size(), BATCH_MESSAGES));
    long bytes = 0;
    while (!queue.isEmpty() && batch.size() < BATCH_MESSAGES
        && (batch.isEmpty() || bytes + queue.peek().length() <= BATCH_BYTES)) {
      OutboundRecord message = queue.poll();
      bytes += message.length();
      batch.add(message);
    }
    queuedBytes -= bytes;
    return new Step.Write(batch); // its bytes stay in the budget until written: see drain()
  }
}
