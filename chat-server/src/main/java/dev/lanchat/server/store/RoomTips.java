package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Each room's tip (its spelling, last event id and chain head) as the last commit left it, for
 * the rooms appended to lately, so a room's next transaction need not read its {@code room_head}
 * row; and the tips not yet written to that row.
 *
 * <p><b>Kept.</b> Only this store's {@link History} writes those columns (one server per
 * store), so a kept tip is the file's, or newer. At most {@link #CAPACITY} written tips are
 * kept, the least recently appended to going first; a room not kept is read from its row.
 *
 * <p><b>Written later.</b> With event rows kept ({@code --history} above 0) every event row
 * carries the chain head after it ({@code room_event.head}), so the last event row says what the
 * room's tip is, and a line's transaction need not rewrite the room's row: its tip waits here
 * ({@link #putUnwritten}) until {@link #write} puts every waiting tip in its row, with the client
 * message ids (the {@link Checkpointer}'s thread, a few times a second), at {@link
 * #UNWRITTEN_MAX} rooms, before the sweep, and at close. A line's transaction then writes one
 * b-tree page, its event's. Every read of a room's tip takes the waiting one first ({@link
 * #unwritten}); after a crash, {@link #recover} takes each room's tip from its last event row.
 *
 * <p>One per {@link Store}, used under its lock; what a transaction changes here is undone if it
 * rolls back ({@link RollbackLog}).
 */
final class RoomTips {
  /** Written tips kept at most. */
  static final int CAPACITY = 4_096;

  /** Rooms whose tips wait at most before a line's own transaction writes them. */
  static final int UNWRITTEN_MAX = 1_024;

  /** A room's tip. */
  record Row(String name, long lastEventId, ByteString head) {
    Row {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(head, "head");
    }
  }

  private final RollbackLog rollback;
  private final Map<String, Row> written = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Row> eldest) {
      return size() > CAPACITY;
    }
  };
  private final Map<String, Row> unwritten = new LinkedHashMap<>();

  RoomTips(RollbackLog rollback) {
    this.rollback = Objects.requireNonNull(rollback, "rollback");
  }

  /** The tip of the room whose key is {@code key}, if it is kept or waits. */
  Optional<Row> get(String key) {
    Row waiting = unwritten.get(key);
    return waiting != null ? Optional.of(waiting) : Optional.ofNullable(written.get(key));
  }

  /** The tip of the room whose key is {@code key} if it waits to be written to its row. */
  Optional<Row> unwritten(String key) {
    return Optional.ofNullable(unwritten.get(key));
  }

  /** Keeps {@code row} as the room's, written to its row by the transaction under way. */
  void put(String key, Row row) {
    Row before = written.put(key, row);
    Row waited = unwritten.remove(key);
    rollback.onRollback(() -> {
      restore(written, key, before);
      restore(unwritten, key, waited);
    });
  }

  /**
   * Keeps {@code row} as the room's, to be written to its row later; the transaction under way
   * wrote the room's last event row, with the head. At {@link #UNWRITTEN_MAX} rooms, writes
   * them all first.
   */
  void putUnwritten(Connection c, String key, Row row) throws SQLException {
    if (!unwritten.containsKey(key) && unwritten.size() >= UNWRITTEN_MAX) {
      write(c);
    }
    Row before = unwritten.put(key, row);
    rollback.onRollback(() -> restore(unwritten, key, before));
  }

  private static void restore(Map<String, Row> rows, String key, Row before) {
    if (before == null) {
      rows.remove(key);
    } else {
      rows.put(key, before);
    }
  }

  /** Whether tips wait to be written. */
  boolean anyUnwritten() {
    return !unwritten.isEmpty();
  }

  /**
   * Writes every waiting tip to its room's row.
   *
   * @return rooms written
   */
  int write(Connection c) throws SQLException {
    if (unwritten.isEmpty()) {
      return 0;
    }
    Map<String, Row> rows = new LinkedHashMap<>(unwritten);
    for (Map.Entry<String, Row> e : rows.entrySet()) {
      writeRow(c, e.getKey(), e.getValue());
    }
    unwritten.clear();
    written.putAll(rows);
    rollback.onRollback(() -> {
      written.keySet().removeAll(rows.keySet());
      unwritten.putAll(rows);
    });
    return rows.size();
  }

  /** Writes {@code row} to the {@code room_head} row of the room whose key is {@code key}. */
  static void writeRow(Connection c, String key, Row row) throws SQLException {
    Sql.execute(c, "UPDATE room_head SET last_event_id = ?, name = ?, head = ? WHERE room = ?",
        row.lastEventId(), row.name(), row.head().toByteArray(), key);
  }

  /**
   * After a crash: moves each room's row to its last event, when an event row after the row's
   * last event id carries a head (every event row since schema step 8 does).
   *
   * @return rooms moved
   */
  static int recover(Connection c) throws SQLException {
    Map<String, Long> rooms = new LinkedHashMap<>();
    try (ResultSet rows = Sql.query(c, "SELECT room, last_event_id FROM room_head")) {
      while (rows.next()) {
        rooms.put(rows.getString(1), rows.getLong(2));
      }
    }
    int moved = 0;
    for (Map.Entry<String, Long> room : rooms.entrySet()) {
      try (ResultSet last = Sql.query(c, "SELECT event_id, head FROM room_event WHERE room = ? "
          + "AND event_id > ? ORDER BY event_id DESC LIMIT 1", room.getKey(), room.getValue())) {
        if (!last.next()) {
          continue;
        }
        long eventId = last.getLong(1);
        byte[] head = last.getBytes(2);
        if (head == null) {
          continue; // a row from before step 8: its room's row was written with it
        }
        moved++;
        Sql.execute(c, "UPDATE room_head SET last_event_id = ?, head = ? WHERE room = ?",
            eventId, head, room.getKey());
      }
    }
    return moved;
  }
}
