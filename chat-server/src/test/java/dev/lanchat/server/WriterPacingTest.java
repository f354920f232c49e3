package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one set of pacing numbers that the server's outboxes and the yardstick's share. */
class WriterPacingTest {
  @Test
  void theServersPacingLingersTwentyMillisecondsAfterTwoBatches() {
    assertEquals(2, WriterPacing.DEFAULT.lingerAfterBatches());
    assertEquals(Duration.ofMillis(20), WriterPacing.DEFAULT.linger());
    assertEquals(20_000_000L, WriterPacing.DEFAULT.lingerNanos());
  }

  @Test
  void aNegativeLingerOrFewerThanOneBatchIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new WriterPacing(2, Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class,
        () -> new WriterPacing(0, Duration.ofMillis(20)));
  }

  @Test
  void anotherLingerKeepsTheBatchCount() {
    WriterPacing longer = WriterPacing.DEFAULT.withLinger(Duration.ofMinutes(10));
    assertEquals(Duration.ofMinutes(10), longer.linger());
    assertEquals(WriterPacing.DEFAULT.lingerAfterBatches(), longer.lingerAfterBatches());
  }
}
