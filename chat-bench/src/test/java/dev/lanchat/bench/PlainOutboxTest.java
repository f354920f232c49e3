package dev.lanchat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The yardstick's outbox keeps LanChat's writer shape, so the two servers differ only in crypto. */
class PlainOutboxTest {
  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

  /** Records each batch and the thread that wrote it; the first write waits for a release. */
  private static final class RecordingSink implements PlainOutbox.Sink {
    final List<Byte> sent = Collections.synchronizedList(new ArrayList<>());
    final List<Thread> writers = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void writeFrames(List<byte[]> payloads) {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (byte[] p : payloads) {
        sent.add(p[0]);
      }
      writers.add(Thread.currentThread());
    }
  }

  /** Two batches written, the second offered while the first was being written. */
  private static PlainOutbox afterTwoBatches(RecordingSink sink) throws InterruptedException {
    PlainOutbox box = new PlainOutbox(sink, 100, "test-plain-out", TEN_MINUTES);
    box.offer(new byte[] {0});
    assertTrue(sink.entered.await(10, TimeUnit.SECONDS));
    box.offer(new byte[] {1});
    sink.release.countDown();
    for (int i = 0; i < 1000 && sink.writers.size() < 2; i++) {
      Thread.sleep(10);
    }
    assertEquals(List.of((byte) 0, (byte) 1), sink.sent);
    return box;
  }

  @Test
  void aBusyWriterIsWokenByTheNextOfferAndWritesItWithoutANewThread() throws Exception {
    RecordingSink sink = new RecordingSink();
    PlainOutbox box = afterTwoBatches(sink);
    box.offer(new byte[] {2});
    for (int i = 0; i < 1000 && sink.writers.size() < 3; i++) {
      Thread.sleep(10);
    }
    assertEquals(List.of((byte) 0, (byte) 1, (byte) 2), sink.sent);
    assertSame(sink.writers.get(0), sink.writers.get(2), "the lingering writer wrote it");
    CountDownLatch closed = new CountDownLatch(1);
    box.finish(closed::countDown);
    assertTrue(closed.await(10, TimeUnit.SECONDS));
  }

  @Test
  void finishWakesALingeringWriterAtOnce() throws Exception {
    PlainOutbox box = afterTwoBatches(new RecordingSink());
    CountDownLatch closed = new CountDownLatch(1);
    box.finish(closed::countDown);
    assertTrue(closed.await(10, TimeUnit.SECONDS), "woken at once, not after its ten minutes");
  }
}
