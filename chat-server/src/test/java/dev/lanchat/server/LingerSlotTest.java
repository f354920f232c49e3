package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The linger state machine that the server's outboxes and the yardstick's share, driven as a
 * writer drives it (each call on the writer's thread, under the lock where the class says so).
 */
class LingerSlotTest {
  private final ReentrantLock lock = new ReentrantLock();

  private LingerSlot slot(Duration linger) {
    return new LingerSlot(lock, new WriterPacing(2, linger));
  }

  @Test
  void aWriterLingersOnlyOnceItHasWrittenEnoughBatches() {
    LingerSlot slot = slot(Duration.ofMinutes(10));
    assertFalse(slot.lingerWhenEmpty(), "a writer with no batch written ends");
    slot.wroteBatch();
    assertFalse(slot.lingerWhenEmpty(), "one batch is not busy");
    slot.wroteBatch();
    assertFalse(slot.lingerWhenEmpty(), "a writer that ended starts its count again");
    slot.wroteBatch();
    slot.wroteBatch();
    assertTrue(slot.lingerWhenEmpty());
    assertTrue(slot.occupied());
    assertSame(Thread.currentThread(), slot.release(), "the next offer wakes this writer");
    assertFalse(slot.occupied());
  }

  @Test
  void aSpuriousWakeGoesOnInTheSameLingerAndAWokenWriterWithOneBatchThenEnds() {
    LingerSlot slot = slot(Duration.ofMinutes(10));
    slot.wroteBatch();
    slot.wroteBatch();
    assertTrue(slot.lingerWhenEmpty());
    LockSupport.unpark(Thread.currentThread()); // so the park below returns at once
    slot.awaitWake();
    assertTrue(slot.lingerWhenEmpty(), "woken with nothing to do, the linger is not over");
    assertTrue(slot.occupied());
    slot.release(); // an offer woke it
    slot.wroteBatch();
    assertFalse(slot.lingerWhenEmpty(), "one batch since the linger: the writer ends");
  }

  @Test
  void theReaperWakesAWriterWhoseLingerRanOutAndItThenEnds() {
    LingerSlot slot = slot(Duration.ofMillis(1));
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      slot.wroteBatch();
      slot.wroteBatch();
      lock.lock();
      try {
        assertTrue(slot.lingerWhenEmpty());
      } finally {
        lock.unlock();
      }
      do {
        slot.awaitWake(); // until the reaper, not a spurious wake, released it
      } while (occupied(slot));
      lock.lock();
      try {
        assertFalse(slot.lingerWhenEmpty(), "the linger is over: the writer ends");
        assertNull(slot.release());
      } finally {
        lock.unlock();
      }
    });
  }

  private boolean occupied(LingerSlot slot) {
    lock.lock();
    try {
      return slot.occupied();
    } finally {
      lock.unlock();
    }
  }
}
