package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The outbox in memory: bounds, order, batching, finish and abort, and offers never block. */
@Timeout(30)
class OutboxTest {
  /** A sink that records every batch, optionally blocking until released (a stuck socket). */
  static final class RecordingSink implements Outbox.Sink {
    final List<List<byte[]>> batches = new CopyOnWriteArrayList<>();
    /** The thread that wrote each batch. */
    final List<Thread> writers = new CopyOnWriteArrayList<>();
    final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release;

    RecordingSink(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public void send(List<byte[]> encoded) throws IOException {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IOException("interrupted", e);
      }
      writers.add(Thread.currentThread());
      batches.add(List.copyOf(encoded));
    }

    List<Integer> sent() {
      List<Integer> out = new ArrayList<>();
      for (List<byte[]> b : batches) {
        for (byte[] m : b) {
          out.add((int) m[0]);
        }
      }
      return out;
    }
  }

  private static byte[] message(int n) {
    return new byte[] {(byte) n, 0, 0, 0};
  }

  /**
   * A started outbox of at most {@code maxMessages} messages and {@code maxBytes} bytes whose
   * writer is stuck in {@code sink} on message 0 until {@code release} opens.
   */
  private static Outbox stuckOnMessage0(RecordingSink sink, int maxMessages, long maxBytes)
      throws InterruptedException {
    Outbox box = new Outbox(sink, OutboundBudget.unlimited(), maxMessages, maxBytes,
        flushed -> { });
    box.start("test-out");
    assertTrue(box.offer(message(0)));
    assertTrue(sink.entered.await(10, TimeUnit.SECONDS));
    return box;
  }

  /** Lets the stuck writer go and waits until everything queued was written. */
  private static void releaseAndFinish(CountDownLatch release, Outbox box)
      throws InterruptedException {
    release.countDown();
    box.finish(null);
    assertTrue(box.awaitDone(10, TimeUnit.SECONDS));
  }

  @Test
  void aFullBacklogRefusesTheOfferWithoutBlocking() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordingSink sink = new RecordingSink(release);
    Outbox box = stuckOnMessage0(sink, 3, 1 << 20);
    assertTrue(box.offer(message(1)));
    assertTrue(box.offer(message(2)));
    assertTrue(box.offer(message(3)));
    assertFalse(box.offer(message(4)), "a fourth waiting message is over the limit");
    releaseAndFinish(release, box);
    assertEquals(List.of(0, 1, 2, 3), sink.sent());
  }

  @Test
  void offerAllQueuesInOrderUpToTheFirstThatDoesNotFitAndNothingAfterIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordingSink sink = new RecordingSink(release);
    Outbox box = stuckOnMessage0(sink, 3, 1 << 20);
    assertTrue(box.offerAll(List.of(new OutboundRecord(message(1)),
        new OutboundRecord(message(2)))));
    assertFalse(box.offerAll(List.of(new OutboundRecord(message(3)),
        new OutboundRecord(message(4)), new OutboundRecord(message(5)))),
        "a fourth waiting message is over the limit");
    releaseAndFinish(release, box);
    assertEquals(List.of(0, 1, 2, 3), sink.sent(), "3 fitted; 4 did not, and 5 was not tried");
  }

  @Test
  void theByteLimitCountsTooAndNoMessageIsSplit() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordingSink sink = new RecordingSink(release);
    Outbox box = stuckOnMessage0(sink, 100, 10);
    assertTrue(box.offer(message(1)));
    assertTrue(box.offer(message(2)));
    assertFalse(box.offer(message(3)), "12 bytes would be over the 10-byte limit");
    releaseAndFinish(release, box);
  }

  @Test
  void anIdleOutboxHoldsNoWriterAndTheNextOfferStartsOne() throws Exception {
    RecordingSink sink = new RecordingSink(new CountDownLatch(0));
    Outbox box = new Outbox(sink, OutboundBudget.unlimited(), 100, 1 << 20, flushed -> { });
    box.start("test-out");
    assertFalse(box.writerRunning(), "nothing queued, no writer");
    box.offer(message(1));
    awaitWriterGone(box);
    assertEquals(List.of(1), sink.sent());
    box.offer(message(2));
    box.offer(message(3));
    awaitWriterGone(box);
    assertEquals(List.of(1, 2, 3), sink.sent(), "a later offer started a writer again");
    box.finish(null);
    assertTrue(box.awaitDone(10, TimeUnit.SECONDS));
  }

  /** The writer ends by itself once the queue is empty; bounded, since it must. */
  private static void awaitWriterGone(Outbox box) throws InterruptedException {
    for (int i = 0; i < 1000 && box.writerRunning(); i++) {
      Thread.sleep(10);
    }
    assertFalse(box.writerRunning(), "the writer ended when the queue was empty");
  }

  /** A started outbox and the sink it writes to. */
  private record Started(Outbox box, RecordingSink sink) {}

  /**
   * A started outbox whose writer has written two batches (messages 0, then 1) in its run and
   * now lingers for {@code linger}.
   */
  private static Started lingeringAfterTwoBatches(Duration linger, Outbox.Finisher finisher)
      throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    RecordingSink sink = new RecordingSink(release);
    Outbox box = new Outbox(sink, OutboundBudget.unlimited(), 100, 1 << 20, finisher, linger);
    box.start("test-out");
    box.offer(message(0));
    assertTrue(sink.entered.await(10, TimeUnit.SECONDS));
    box.offer(message(1)); // waits while 0 is written, so it is a second batch
    release.countDown();
    for (int i = 0; i < 1000 && !box.writerLingering(); i++) {
      Thread.sleep(10);
    }
    assertTrue(box.writerLingering(), "a writer that wrote two batches lingers");
    assertEquals(List.of(0, 1), sink.sent());
    return new Started(box, sink);
  }

  @Test
  void aWriterWithOneBatchToWriteEndsAtOnceWithoutLingering() throws Exception {
    RecordingSink sink = new RecordingSink(new CountDownLatch(0));
    Outbox box = new Outbox(sink, OutboundBudget.unlimited(), 100, 1 << 20, flushed -> { },
        Duration.ofMinutes(10));
    box.start("test-out");
    box.offer(message(1));
    awaitWriterGone(box); // would take ten minutes if it lingered
    assertEquals(List.of(1), sink.sent());
  }

  @Test
  void aLingeringWriterIsWokenByTheNextOfferAndWritesItWithoutANewThread() throws Exception {
    Started started = lingeringAfterTwoBatches(Duration.ofMinutes(10), flushed -> { });
    RecordingSink sink = started.sink();
    started.box().offer(message(2));
    for (int i = 0; i < 1000 && sink.batches.size() < 3; i++) {
      Thread.sleep(10);
    }
    assertEquals(List.of(0, 1, 2), sink.sent(), "the offer woke the lingering writer");
    assertSame(sink.writers.get(0), sink.writers.get(2), "the same writer wrote it");
    started.box().abort();
    assertTrue(started.box().awaitDone(10, TimeUnit.SECONDS));
  }

  @Test
  void aWokenWriterThatWritesOneBatchEndsWithoutLingeringAgain() throws Exception {
    Started started = lingeringAfterTwoBatches(Duration.ofMinutes(10), flushed -> { });
    started.box().offer(message(2));
    awaitWriterGone(started.box()); // would take ten minutes if it lingered again
    RecordingSink sink = started.sink();
    assertEquals(List.of(0, 1, 2), sink.sent());
    assertSame(sink.writers.get(0), sink.writers.get(2), "the lingering writer wrote it");
  }

  @Test
  void finishWakesALingeringWriterWhichReportsFlushed() throws Exception {
    CompletableFuture<Boolean> finished = new CompletableFuture<>();
    lingeringAfterTwoBatches(Duration.ofMinutes(10), finished::complete).box().finish(message(9));
    assertTrue(finished.get(10, TimeUnit.SECONDS), "woken at once, not after its linger");
  }

  @Test
  void abortWakesALingeringWriterWhichReportsNotFlushed() throws Exception {
    CompletableFuture<Boolean> finished = new CompletableFuture<>();
    lingeringAfterTwoBatches(Duration.ofMinutes(10), finished::complete).box().abort();
    assertFalse(finished.get(10, TimeUnit.SECONDS), "woken at once, not after its linger");
  }

  @Test
  void anIdleConnectionHoldsNoWriterOnceTheLingerHasPassed() throws Exception {
    Started started = lingeringAfterTwoBatches(Duration.ofMillis(50), flushed -> { });
    Outbox box = started.box();
    RecordingSink sink = started.sink();
    awaitWriterGone(box);
    assertFalse(box.writerLingering());
    box.offer(message(2));
    awaitWriterGone(box);
    assertEquals(List.of(0, 1, 2), sink.sent());
    assertNotSame(sink.writers.get(0), sink.writers.get(2), "a new writer wrote the next offer");
  }

  @Test
  void aLongLingerElsewhereDoesNotHoldUpTheEndOfAShortOne() throws Exception {
    Started longer = lingeringAfterTwoBatches(Duration.ofMinutes(10), flushed -> { });
    Started shorter = lingeringAfterTwoBatches(Duration.ofMillis(50), flushed -> { });
    awaitWriterGone(shorter.box()); // the reaper ends lingers in any order of their ends
    assertTrue(longer.box().writerLingering(), "the ten-minute linger goes on");
    longer.box().abort();
    assertTrue(longer.box().awaitDone(10, TimeUnit.SECONDS));
  }

  @Test
  void whatWaitsIsWrittenInOrderInOneBatch() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordingSink sink = new RecordingSink(release);
    Outbox box = new Outbox(sink, OutboundBudget.unlimited(), 100, 1 << 20, flushed -> { });
    box.start("test-out");
    box.offer(message(0));
    assertTrue(sink.entered.await(10, TimeUnit.SECONDS));
    for (int i = 1; i <= 5; i++) {
      box.offer(message(i));
    }
    release.countDown();
    box.finish(null);
    assertTrue(box.awaitDone(10, TimeUnit.SECONDS));
    assertEquals(List.of(0, 1, 2, 3, 4, 5), sink.sent());
    assertEquals(2, sink.batches.size(), "the five that waited went in one batch");
  }

  @Test
  void finishWritesTheLastMessagePastTheLimitsThenReportsFlushed() throws Exception {
    RecordingSink sink = new RecordingSink(new CountDownLatch(0));
    CompletableFuture<Boolean> finished = new CompletableFuture<>();
    Outbox box = new Outbox(sink, OutboundBudget.unlimited(), 1, 4, finished::complete);
    box.offer(message(1));
    box.finish(message(9));
    assertTrue(box.offer(message(2)), "offers after finish are dropped, not refused");
    box.start("test-out");
    assertTrue(finished.get(10, TimeUnit.SECONDS));
    assertEquals(List.of(1, 9), sink.sent());
  }

  @Test
  void abortDropsTheBacklogAndReportsNotFlushed() throws Exception {
    RecordingSink sink = new RecordingSink(new CountDownLatch(0));
    CompletableFuture<Boolean> finished = new CompletableFuture<>();
    Outbox box = new Outbox(sink, OutboundBudget.unlimited(), 10, 1 << 20, finished::complete);
    box.offer(message(1));
    box.offer(message(2));
    box.abort();
    box.start("test-out");
    assertFalse(finished.get(10, TimeUnit.SECONDS));
    assertEquals(List.of(), sink.sent());
  }

  @Test
  void aFailingSinkEndsTheWriterAsNotFlushed() throws Exception {
    CompletableFuture<Boolean> finished = new CompletableFuture<>();
    Outbox box = new Outbox(encoded -> {
      throw new IOException("broken pipe");
    }, OutboundBudget.unlimited(), 10, 1 << 20, finished::complete);
    box.start("test-out");
    box.offer(message(1));
    assertFalse(finished.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aClientOverflowingTheServerWideBudgetIsRefusedWhileOneThatKeepsUpIsServed()
      throws Exception {
    OutboundBudget budget = new OutboundBudget(256 << 10);
    CountDownLatch release = new CountDownLatch(1);
    RecordingSink stuck = new RecordingSink(release);
    // each queue alone could take 16 MiB: only the server-wide budget stops the hog
    Outbox hog = new Outbox(stuck, budget, 100_000, 16L << 20, flushed -> { });
    hog.start("test-hog");
    byte[] chunk = new byte[8 << 10];
    int accepted = 0;
    while (hog.offer(chunk)) {
      accepted++;
      assertTrue(accepted < 1000, "the budget never refused");
    }
    assertTrue(budget.used() <= (256 << 10) + OutboundBudget.RESERVE,
        "held " + budget.used() + " bytes");
    assertTrue(accepted * chunk.length >= 256 << 10, "the budget was usable: " + accepted);
    RecordingSink fine = new RecordingSink(new CountDownLatch(0));
    Outbox keepsUp = new Outbox(fine, budget, 100, 1 << 20, flushed -> { });
    assertTrue(keepsUp.offer(chunk), "a queue under its reserve is served although the budget"
        + " is spent");
    keepsUp.start("test-keeps-up");
    keepsUp.finish(null);
    assertTrue(keepsUp.awaitDone(10, TimeUnit.SECONDS));
    hog.abort();
    release.countDown();
    assertTrue(hog.awaitDone(10, TimeUnit.SECONDS));
    assertEquals(0, budget.used(), "written and dropped bytes are given back");
  }

  @Test
  void aWriterThatFailsGivesBackWhatWasStillQueued() throws Exception {
    OutboundBudget budget = new OutboundBudget(1 << 20);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch fail = new CountDownLatch(1);
    Outbox box = new Outbox(encoded -> {
      entered.countDown();
      try {
        fail.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("broken pipe");
    }, budget, 100, 1 << 20, flushed -> { });
    box.start("test-out");
    box.offer(message(1));
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    box.offer(message(2));
    box.offer(message(3));
    assertEquals(12, budget.used(), "the batch being written still counts");
    fail.countDown();
    assertTrue(box.awaitDone(10, TimeUnit.SECONDS));
    assertEquals(0, budget.used());
  }

  @Test
  void aRecordHeldByManyQueuesCountsOnceInTheServerWideBudget() throws Exception {
    OutboundBudget budget = new OutboundBudget(256 << 10);
    CountDownLatch release = new CountDownLatch(1);
    List<Outbox> boxes = new ArrayList<>();
    OutboundRecord flush = new OutboundRecord(new byte[64 << 10]);
    for (int i = 0; i < 100; i++) { // 6.4 MB if each queue counted it, 25 times the budget
      Outbox box = new Outbox(new RecordingSink(release), budget, 100, 1 << 20, flushed -> { });
      box.start("test-out-" + i);
      boxes.add(box);
      assertTrue(box.offer(flush), "queue " + i + " was refused a record the server holds once");
    }
    assertEquals(64 << 10, budget.used(), "one record, counted once");
    OutboundRecord other = new OutboundRecord(new byte[64 << 10]);
    assertTrue(boxes.get(0).offer(other));
    assertEquals(128 << 10, budget.used(), "a second record counts in full");
    release.countDown();
    for (Outbox box : boxes) {
      box.finish(null);
      assertTrue(box.awaitDone(10, TimeUnit.SECONDS));
    }
    assertEquals(0, budget.used(), "given back once the last queue wrote it");
  }

  @Test
  void aClientThatNeverReadsIsStillRemovedWhenEveryRecordItHoldsIsShared() throws Exception {
    OutboundBudget budget = OutboundBudget.unlimited();
    // never started: nothing of it is written, as for a client that never reads
    Outbox stuck = new Outbox(encoded -> { }, budget, 1000, 64 << 10, flushed -> { });
    Outbox reader = new Outbox(new RecordingSink(new CountDownLatch(0)), budget, 1000, 4 << 20,
        flushed -> { });
    reader.start("test-reader");
    int accepted = 0;
    boolean refused = false;
    for (int i = 0; i < 1000 && !refused; i++) {
      OutboundRecord shared = new OutboundRecord(new byte[1 << 10]);
      assertTrue(reader.offer(shared), "a queue that keeps up is served");
      refused = !stuck.offer(shared);
      accepted += refused ? 0 : 1;
    }
    assertTrue(refused, "its own backlog counts every record it holds in full");
    assertEquals(64, accepted, "64 KiB of its own backlog");
    stuck.abort();
    reader.finish(null);
    assertTrue(reader.awaitDone(10, TimeUnit.SECONDS));
    assertEquals(0, budget.used());
  }

  @Test
  void theServerWideBudgetStillRefusesAHogOfDistinctSharedRecords() {
    OutboundBudget budget = new OutboundBudget(256 << 10);
    Outbox hog = new Outbox(encoded -> { }, budget, 100_000, 16L << 20, flushed -> { });
    int accepted = 0; // never started: nothing is written, everything stays queued
    while (hog.offer(new OutboundRecord(new byte[8 << 10]))) {
      accepted++;
      assertTrue(accepted < 1000, "the budget never refused");
    }
    assertTrue(budget.used() <= (256 << 10) + OutboundBudget.RESERVE,
        "held " + budget.used() + " bytes");
    hog.abort();
    assertEquals(0, budget.used());
  }
}
