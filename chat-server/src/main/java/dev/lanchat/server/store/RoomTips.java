package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code room_head} rows of the rooms appended to lately, as the last commit left them (the
 * spelling, last event id and chain head), so a room's next transaction need not read its row
 * first: about 7 µs of a line's store time (performance.md, "A line's client message id written
 * later"). Only this store's {@link History} writes those columns (one server per store), so a
 * kept row is the file's. At most {@link #CAPACITY} rooms, the least recently appended to going
 * first; a room not kept is read from its row.
 *
 * <p>One per {@link Store}, used under its lock; a row kept in a transaction that rolls back is
 * put back as it was ({@link RollbackLog}).
 */
final class RoomTips {
  /** Rooms kept at most. */
  static final int CAPACITY = 4_096;

  /** A room's row as its last commit left it. */
  record Row(String name, long lastEventId, ByteString head) {
    Row {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(head, "head");
    }
  }

  private final RollbackLog rollback;
  private final Map<String, Row> rows = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Row> eldest) {
      return size() > CAPACITY;
    }
  };

  RoomTips(RollbackLog rollback) {
    this.rollback = Objects.requireNonNull(rollback, "rollback");
  }

  /** The row of the room whose key is {@code key}, if it is kept. */
  Optional<Row> get(String key) {
    return Optional.ofNullable(rows.get(key));
  }

  /** Keeps {@code row} as the room's, inside the transaction that wrote it. */
  void put(String key, Row row) {
    Row before = rows.put(key, row);
    rollback.onRollback(() -> {
      if (before == null) {
        rows.remove(key);
      } else {
        rows.put(key, before);
      }
    });
  }
}
