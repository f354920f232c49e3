package dev.lanchat.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each write commits with the {@code synchronous} setting its {@link Durability} asks for, and
 * the store's own writes (names, allowlist, invites, waiting DMs) keep FULL.
 */
class DurabilityTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T01:00:00Z"),
      ZoneOffset.UTC);
  private static final int NORMAL = 1;
  private static final int FULL = 2;

  @TempDir
  Path dir;

  private Store store;

  @BeforeEach
  void open() throws Exception {
    store = Store.open(dir.resolve("server.db"), CLOCK);
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** The connection's {@code synchronous} inside a write of {@code durability}. */
  private int synchronousIn(Durability durability) throws StoreException {
    return store.write("read synchronous", durability, c -> {
      try (Statement s = c.createStatement();
          ResultSet row = s.executeQuery("PRAGMA synchronous")) {
        row.next();
        return row.getInt(1);
      }
    });
  }

  @Test
  void eachWriteCommitsWithTheSynchronousItsDurabilityAsks() throws Exception {
    assertEquals(FULL, synchronousIn(Durability.POWER_LOSS));
    assertEquals(NORMAL, synchronousIn(Durability.PROCESS_CRASH));
    assertEquals(NORMAL, synchronousIn(Durability.PROCESS_CRASH));
    assertEquals(FULL, synchronousIn(Durability.POWER_LOSS));
    assertEquals(NORMAL, synchronousIn(Durability.PROCESS_CRASH));
  }

  @Test
  void aNameBindingAfterRoomEventsIsWrittenWithFull() throws Exception {
    History history = store.history(Retention.defaults());
    history.appendAll(List.of(RoomEventDraft.ofServer("#lobby", CLOCK.millis(), 1)),
        List.of((id, head) -> new byte[1]));
    assertEquals(NORMAL, currentSynchronous());
    byte[] key = new byte[32];
    new Random(7).nextBytes(key);
    store.bind("alice", key);
    assertEquals(FULL, currentSynchronous());
  }

  private int currentSynchronous() throws StoreException {
    return store.read("read synchronous", c -> {
      try (Statement s = c.createStatement();
          ResultSet row = s.executeQuery("PRAGMA synchronous")) {
        row.next();
        return row.getInt(1);
      }
    });
  }
}
