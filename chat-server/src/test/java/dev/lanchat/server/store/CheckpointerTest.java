package dev.lanchat.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's log is copied into the database by the {@link Checkpointer}, off the writers'
 * path, and a commit checkpoints by itself only far past SQLite's default.
 */
class CheckpointerTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T01:00:00Z"),
      ZoneOffset.UTC);

  @TempDir
  Path dir;

  private Store store;
  private Checkpointer checkpointer;

  @BeforeEach
  void open() throws Exception {
    store = Store.open(dir.resolve("server.db"), CLOCK);
    checkpointer = store.startCheckpointer();
  }

  @AfterEach
  void close() {
    checkpointer.close();
    store.close();
  }

  @Test
  void aCheckpointCopiesEveryCommittedFrameIntoTheDatabase() throws Exception {
    History history = store.history(Retention.defaults());
    for (int i = 0; i < 50; i++) {
      history.appendAll(List.of(RoomEventDraft.ofServer("#lobby", CLOCK.millis(), 1)),
          List.of((id, head) -> new byte[100]));
    }
    assertTrue(Files.size(dir.resolve("server.db-wal")) > 0, "the commits are in the log");

    Checkpointer.Progress progress = checkpointer.checkpointNow();

    assertFalse(progress.busy());
    assertTrue(progress.logFrames() > 0, progress.toString());
    assertEquals(progress.logFrames(), progress.copiedFrames(), "every frame copied");
  }

  @Test
  void theStoresOwnCommitsCheckpointOnlyFarPastSqlitesDefault() throws Exception {
    int pages = store.read("read wal_autocheckpoint", c -> {
      try (Statement s = c.createStatement();
          ResultSet row = s.executeQuery("PRAGMA wal_autocheckpoint")) {
        row.next();
        return row.getInt(1);
      }
    });
    assertEquals(Schema.AUTO_CHECKPOINT_PAGES, pages);
    assertTrue(pages > 1_000, "SQLite's default is 1,000 pages");
  }

  @Test
  void aClosedCheckpointerRefusesToCheckpointAndClosingTwiceIsHarmless() {
    checkpointer.close();
    checkpointer.close();
    assertThrows(IllegalStateException.class, checkpointer::checkpointNow);
  }
}
