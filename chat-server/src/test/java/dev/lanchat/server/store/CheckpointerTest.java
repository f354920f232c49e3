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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  @SuppressWarnings("try") // the checkpointer runs on its own; the try only stops it
  @Test
  void theTimerRunsItsWorkBeforeEachCheckpoint() throws Exception {
    CountDownLatch twice = new CountDownLatch(2);
    try (Checkpointer timed = Checkpointer.start(store.file(),
        java.sql.DriverManager.getConnection("jdbc:sqlite:" + store.file()), twice::countDown)) {
      assertTrue(twice.await(30, TimeUnit.SECONDS), "ran twice in " + Checkpointer.PERIOD);
    }
  }

  @Test
  void aRunningStoreWritesTheIdsThatWaitOnItsCheckpointersTimer() throws Exception {
    History history = store.history(Retention.defaults());
    history.append(RoomEventDraft.ofMember("#lobby", CLOCK.millis(), HistoryTest.MESSAGE,
        HistoryTest.key(1), 7), (id, head) -> new byte[100]);
    long written = 0;
    // bounded: the timer runs every 200 ms; 150 looks at the table, each a period apart
    for (int look = 0; look < 150 && written == 0; look++) {
      written = store.read("count ids", c -> {
        try (Statement s = c.createStatement();
            ResultSet row = s.executeQuery("SELECT count(*) FROM sent_message")) {
          return row.getLong(1);
        }
      });
      if (written == 0) {
        Thread.sleep(Checkpointer.PERIOD.toMillis());
      }
    }
    assertEquals(1, written, "the line's id reached the table without a close");
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
