package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.message.DmStatus;
import dev.lanchat.common.message.ServerMessage;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** A DM's delivery status is part of its line: offline, away, or kept while we were away. */
class DmStatusFormatTest {
  private final EventFormat format = new EventFormat(ZoneOffset.UTC, false);

  private String line(DmStatus status, String note) {
    return format.format(new ServerMessage.Dm(FakeServer.T1201, "alice", "bob", "psst", status,
        note)).orElseThrow();
  }

  @Test
  void aLiveDmHasNoNote() {
    assertEquals("12:01 [alice -> bob] psst", line(DmStatus.DELIVERED, ""));
  }

  @Test
  void theSenderIsToldTheRecipientIsOfflineAndGetsItLater() {
    assertEquals("12:01 [alice -> bob] psst (bob is offline: delivered when they return)",
        line(DmStatus.STORED, ""));
  }

  @Test
  void theSenderSeesTheRecipientsAwayTextMadeSafe() {
    assertEquals("12:01 [alice -> bob] psst (bob is away: at lunch)",
        line(DmStatus.AWAY, "at lunch"));
    String hostile = line(DmStatus.AWAY, "at lunch\u001B[2J");
    assertTrue(hostile.startsWith("12:01 [alice -> bob] psst (bob is away: at lunch"), hostile);
    assertFalse(hostile.contains("\u001B"), "no raw escape from the network: " + hostile);
  }

  @Test
  void aDmKeptWhileWeWereAwaySaysWhenItWasSent() {
    assertEquals("12:01 [alice -> bob] psst (sent 12:01 while you were away)",
        line(DmStatus.FROM_STORAGE, ""));
  }
}
