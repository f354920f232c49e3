package dev.lanchat.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanchat.common.bytes.ByteString;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The rooms' head rows kept in memory say what the file says: a row kept in a transaction that
 * rolls back is put back as it was, and at most {@link RoomTips#CAPACITY} rooms are kept.
 */
class RoomTipsTest {
  private final RollbackLog rollback = new RollbackLog();
  private final RoomTips tips = new RoomTips(rollback);

  private static RoomTips.Row row(long lastEventId) {
    return new RoomTips.Row("#general", lastEventId, ByteString.copyOf(new byte[32]));
  }

  @Test
  void aRowKeptInACommittedTransactionStays() {
    tips.put("#general", row(1));
    rollback.committed();
    rollback.rolledBack(); // a later transaction that changed nothing
    assertEquals(Optional.of(row(1)), tips.get("#general"));
  }

  @Test
  void aRowKeptInATransactionThatRolledBackIsPutBackAsItWas() {
    tips.put("#general", row(1));
    rollback.committed();
    tips.put("#general", row(2));
    tips.put("#general", row(3));
    tips.put("#dev", row(1));
    rollback.rolledBack();
    assertEquals(Optional.of(row(1)), tips.get("#general"), "the committed row");
    assertEquals(Optional.empty(), tips.get("#dev"), "a room first kept in it is not kept");
  }

  @Test
  void aTipThatWaitsComesFirstAndIsPutBackIfItsTransactionRollsBack() throws Exception {
    tips.put("#general", row(1));
    rollback.committed();
    tips.putUnwritten(null, "#general", row(2)); // under the cap: no connection needed
    assertEquals(Optional.of(row(2)), tips.get("#general"));
    assertEquals(Optional.of(row(2)), tips.unwritten("#general"));
    rollback.rolledBack();
    assertEquals(Optional.of(row(1)), tips.get("#general"));
    assertEquals(Optional.empty(), tips.unwritten("#general"));
  }

  @Test
  void theRoomAppendedToLeastRecentlyGoesPastTheCapacity() {
    for (int i = 0; i <= RoomTips.CAPACITY; i++) {
      tips.put("#room" + i, row(i));
      if (i == 1) {
        tips.get("#room0"); // read again: now the second least recent
      }
    }
    rollback.committed();
    assertEquals(Optional.empty(), tips.get("#room1"));
    assertEquals(Optional.of(row(0)), tips.get("#room0"));
    assertEquals(Optional.of(row(RoomTips.CAPACITY)), tips.get("#room" + RoomTips.CAPACITY));
  }
}
