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
    return format.dm(new ServerMessage.Dm(FakeServer.T1201, "alice", "bob", "psst", status,
        note), null).line();
  }

  @Test
  void aLiveDmHasNoNote() {
    assertEquals("12:01 [alice -> bob] psst", line(DmStatus.DELIVERED, ""));
  }

  @Test
  void theSenderIsToldTheRecipientIsOfflineAndGetsItLater() {
    assertEquals("12:01 [alice -> bob] psst (bob is offline: kept until they connect)",
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
    // the date and time it was sent head the line; the note says it waited for us
    assertEquals("2026-11-25 12:01 [alice -> bob] psst (sent while you were offline)",
        line(DmStatus.FROM_STORAGE, ""));
  }
}
