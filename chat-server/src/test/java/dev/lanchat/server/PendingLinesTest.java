package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.e2e.RoomMessage;
import dev.lanchat.common.rules.Texts;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection holds at most {@link PendingLines#MOST_LINES} unanswered lines and {@link
 * PendingLines#MOST_BYTES} of theirs, and can wait until none is left.
 */
@Timeout(30)
class PendingLinesTest {
  @Test
  void aReaderWithMostLinesWaitingStopsUntilOneIsAnswered() throws Exception {
    PendingLines lines = new PendingLines();
    int cost = 0;
    for (int i = 0; i < PendingLines.MOST_LINES; i++) {
      cost = lines.reserve(Texts.MAX_BYTES); // none of these waits
    }
    assertStopsUntilSettled(lines, Texts.MAX_BYTES, cost);
  }

  @Test
  void largeSealedLinesAreCountedByTheirSize() throws Exception {
    PendingLines lines = new PendingLines();
    int most = PendingLines.MOST_BYTES / RoomMessage.MAX_SIZE;
    int cost = 0;
    for (int i = 0; i < most; i++) {
      cost = lines.reserve(RoomMessage.MAX_SIZE);
    }
    assertEquals(RoomMessage.MAX_SIZE, cost);
    assertStopsUntilSettled(lines, 1, cost);
  }

  @Test
  void awaitNoneReturnsOnlyOnceEveryLineIsAnswered() throws Exception {
    PendingLines lines = new PendingLines();
    int first = lines.reserve(10);
    int second = lines.reserve(10);
    Thread reader = Thread.ofVirtual().start(lines::awaitNone);
    awaitParked(reader);
    lines.settled(first);
    awaitParked(reader);
    assertTrue(reader.isAlive(), "one line is still unanswered");
    lines.settled(second);
    assertTrue(reader.join(Duration.ofSeconds(10)));
    lines.awaitNone(); // and every place is free again
    for (int i = 0; i < PendingLines.MOST_LINES; i++) {
      lines.reserve(1);
    }
  }

  /** One more line of {@code bytes} waits until a line of {@code cost} is settled. */
  private static void assertStopsUntilSettled(PendingLines lines, int bytes, int cost)
      throws Exception {
    AtomicInteger reserved = new AtomicInteger();
    Thread reader = Thread.ofVirtual().start(() -> {
      lines.reserve(bytes);
      reserved.incrementAndGet();
    });
    awaitParked(reader);
    assertEquals(0, reserved.get(), "the next line waits");
    lines.settled(cost);
    assertTrue(reader.join(Duration.ofSeconds(10)));
    assertEquals(1, reserved.get());
  }

  /** Waits (bounded) until {@code thread} is parked, blocked on the connection's places. */
  private static void awaitParked(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertEquals(Thread.State.WAITING, thread.getState());
  }
}
