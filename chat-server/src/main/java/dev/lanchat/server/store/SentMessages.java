package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The SQL of the {@code sent_message} table (which client message ids each key has had taken),
 * run inside a {@link Store} transaction, and the ids of room lines taken but not written to it
 * yet. It holds ids and places, never text.
 *
 * <p>A key keeps at least its newest {@link #PER_KEY} ids and at most {@link #TRIM_EVERY} - 1
 * more: its oldest ids beyond {@link #PER_KEY} are forgotten every {@link #TRIM_EVERY}-th id it
 * records, in one bounded walk of its ids (at most {@link #PER_KEY} + {@link #TRIM_EVERY} - 1 of
 * them, along the table's UNIQUE (sender, message_id) index, sorted by row id: the order they
 * were taken in), rather than one walk on every id (which was about 40 % of what the store
 * spent on a SAY), and rather than an index by sender that every id would write. How many ids
 * each key recorded since its last trim is counted in memory for the {@link #KEYS_COUNTED} keys
 * that sent most recently; any other key is trimmed at its next id, so the bound holds across
 * restarts too.
 *
 * <p><b>Ids written later.</b> A room line whose event row is kept ({@code --history} above 0)
 * carries its client message id in that row ({@code room_event.message_id}), so its row here can
 * wait: {@link #takeLater} holds it in memory (at most {@link #WAITING_MAX}), and {@link #write}
 * puts waiting ids in the table in groups of up to {@link #WRITE_GROUP}, a few times a second
 * (the {@link Checkpointer}'s thread, which stops between groups when a room waits for the
 * store), when too many wait, and before an event whose id waits would be pruned. A line's own
 * transaction then writes two b-tree pages fewer (the table's and its index's), about a third
 * of what the store spent on it. Each room's {@code
 * room_head.ids_through} says through which event its lines' ids are in the table; after a crash
 * {@link #recover} writes the ids of the lines after it from their event rows, so an id, once its
 * line was acknowledged, is never taken twice. Every lookup reads the waiting ids first.
 *
 * <p>One per {@link Store}, used under its lock (inside its transactions). What a transaction
 * changes in the waiting ids is undone if it rolls back ({@link RollbackLog}): ids taken in it
 * are not held, and ids written in it wait again.
 */
final class SentMessages {
  /** Client message ids remembered per key at least: far more than a client queues away (100). */
  static final int PER_KEY = 1_000;

  /** A key's ids are trimmed back to {@link #PER_KEY} every this many ids it records. */
  static final int TRIM_EVERY = 64;

  /** Keys whose count since their last trim is kept; the one that sent least recently goes. */
  static final int KEYS_COUNTED = 4_096;

  /** Ids of room lines held at most before a line's own transaction writes some. */
  static final int WAITING_MAX = 2_048;

  /**
   * Waiting ids one {@link #write} puts in the table at most: the store's lock is held for well
   * under a millisecond, so a line that arrives meanwhile hardly waits (groups of 256 held it
   * for a few: performance.md, "A line's client message id written later").
   */
  static final int WRITE_GROUP = 32;

  /** A key's client message id. */
  private record SentId(ByteString sender, long messageId) {}

  /** A line's id as its event row keeps it, for {@link #recover}. */
  private record Line(byte[] sender, long messageId, long at, EventRef where) {}

  /** A waiting id's row: when it was taken, and the event it went to. */
  private record Waiting(long at, EventRef where) {}

  /** Ids taken and not yet in the table, oldest first (so each room's in id order). */
  private LinkedHashMap<SentId, Waiting> waiting = new LinkedHashMap<>();

  /** Where what a transaction changes in {@link #waiting} is undone if it rolls back. */
  private final RollbackLog rollback;

  private final Map<ByteString, Integer> sinceTrim =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteString, Integer> eldest) {
          return size() > KEYS_COUNTED;
        }
      };

  SentMessages(RollbackLog rollback) {
    this.rollback = Objects.requireNonNull(rollback, "rollback");
  }

  /** Whether {@code sender} had {@code messageId} taken before, and where it went. */
  Optional<Optional<EventRef>> find(Connection c, byte[] sender, long messageId)
      throws SQLException {
    Waiting held = waiting.get(new SentId(ByteString.copyOf(sender), messageId));
    if (held != null) {
      return Optional.of(Optional.of(held.where()));
    }
    try (ResultSet row = Sql.query(c,
        "SELECT room, event_id FROM sent_message WHERE sender = ? AND message_id = ?", sender,
        messageId)) {
      if (!row.next()) {
        return Optional.empty();
      }
      String room = row.getString(1);
      long eventId = row.getLong(2);
      return Optional.of(room == null ? Optional.empty()
          : Optional.of(new EventRef(room, eventId)));
    }
  }

  /**
   * Records that {@code messageId} from {@code sender} was taken (and went {@code where}),
   * unless it was taken before; one statement, so a fresh id costs no read first. On every
   * {@link #TRIM_EVERY}-th id of that key (or the first since it was last counted) it forgets
   * that key's oldest ids beyond {@link #PER_KEY}. A transaction rolled back after this leaves
   * the count ahead of the rows, which only makes the next trim come early.
   *
   * @return whether the id was new (false: a repeat, and nothing was written)
   */
  boolean take(Connection c, byte[] sender, long messageId, long now, Optional<EventRef> where)
      throws SQLException {
    if (waiting.containsKey(new SentId(ByteString.copyOf(sender), messageId))) {
      return false;
    }
    return insert(c, sender, messageId, now, where);
  }

  /**
   * As {@link #take}, for a room line whose event row carries its id: the id's row is written
   * later ({@link #write}), so a fresh id costs one index lookup now. When {@link #WAITING_MAX}
   * ids wait, the oldest {@link #WRITE_GROUP} are written first.
   *
   * @return whether the id was new (false: a repeat, and nothing was held)
   */
  boolean takeLater(Connection c, byte[] sender, long messageId, long now, EventRef where)
      throws SQLException {
    if (find(c, sender, messageId).isPresent()) {
      return false;
    }
    if (waiting.size() >= WAITING_MAX) {
      write(c);
    }
    SentId id = new SentId(ByteString.copyOf(sender), messageId);
    waiting.put(id, new Waiting(now, where));
    rollback.onRollback(() -> waiting.remove(id));
    return true;
  }

  /** Whether ids wait to be written. */
  boolean anyWaiting() {
    return !waiting.isEmpty();
  }

  /**
   * Whether a waiting id went to an event of {@code room} below {@code eventId}, or was taken
   * before {@code takenBefore}: an event that pruning would delete before {@link #write}.
   */
  boolean waitsBelow(String room, long eventId, long takenBefore) {
    for (Waiting w : waiting.values()) {
      EventRef where = w.where();
      if (w.at() < takenBefore || (where.room().equals(room) && where.eventId() < eventId)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes the oldest waiting ids, at most {@link #WRITE_GROUP}, to the table, and moves each of
   * their rooms' {@code ids_through} to its last event among them (a room's ids wait in id
   * order, so every line of that room up to it is in the table now).
   *
   * @return ids written
   */
  int write(Connection c) throws SQLException {
    if (waiting.isEmpty()) {
      return 0;
    }
    LinkedHashMap<SentId, Waiting> written = new LinkedHashMap<>();
    Map<String, Long> through = new HashMap<>();
    Iterator<Map.Entry<SentId, Waiting>> it = waiting.entrySet().iterator();
    while (it.hasNext() && written.size() < WRITE_GROUP) {
      Map.Entry<SentId, Waiting> e = it.next();
      SentId id = e.getKey();
      Waiting w = e.getValue();
      insert(c, id.sender().toByteArray(), id.messageId(), w.at(), Optional.of(w.where()));
      through.merge(w.where().room(), w.where().eventId(), Math::max);
      written.put(id, w);
      it.remove();
    }
    for (Map.Entry<String, Long> room : through.entrySet()) {
      Sql.execute(c, "UPDATE room_head SET ids_through = ? WHERE room = ? AND ids_through < ?",
          room.getValue(), room.getKey(), room.getValue());
    }
    rollback.onRollback(() -> {
      LinkedHashMap<SentId, Waiting> back = new LinkedHashMap<>(written);
      back.putAll(waiting);
      waiting = back;
    });
    return written.size();
  }

  /**
   * After a crash: writes the ids of the lines each room's event rows hold after its {@code
   * ids_through}, the ones that were waiting when the server stopped, and moves {@code
   * ids_through} to the room's last event.
   *
   * @return ids written
   */
  int recover(Connection c) throws SQLException {
    Map<String, Long> behind = new LinkedHashMap<>();
    try (ResultSet rows = Sql.query(c,
        "SELECT room, ids_through FROM room_head WHERE last_event_id > ids_through")) {
      while (rows.next()) {
        behind.put(rows.getString(1), rows.getLong(2));
      }
    }
    int written = 0;
    for (Map.Entry<String, Long> room : behind.entrySet()) {
      List<Line> lines = new ArrayList<>();
      try (ResultSet rows = Sql.query(c, "SELECT sender, message_id, at, event_id FROM "
          + "room_event WHERE room = ? AND event_id > ? AND message_id IS NOT NULL "
          + "ORDER BY event_id", room.getKey(), room.getValue())) {
        while (rows.next()) {
          lines.add(new Line(rows.getBytes(1), rows.getLong(2), rows.getLong(3),
              new EventRef(room.getKey(), rows.getLong(4))));
        }
      }
      for (Line line : lines) {
        if (insert(c, line.sender(), line.messageId(), line.at(), Optional.of(line.where()))) {
          written++;
        }
      }
      Sql.execute(c, "UPDATE room_head SET ids_through = last_event_id WHERE room = ?",
          room.getKey());
    }
    return written;
  }

  /** Inserts the id's row unless the table has it; trims the key's ids every so often. */
  private boolean insert(Connection c, byte[] sender, long messageId, long now,
      Optional<EventRef> where) throws SQLException {
    int inserted = Sql.execute(c, "INSERT INTO sent_message (sender, message_id, at, room, "
        + "event_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sender, message_id) DO NOTHING", sender,
        messageId, now, where.map(EventRef::room).orElse(null),
        where.map(EventRef::eventId).orElse(null));
    if (inserted == 0) {
      return false;
    }
    ByteString key = ByteString.copyOf(sender);
    Integer recorded = sinceTrim.get(key);
    if (recorded != null && recorded + 1 < TRIM_EVERY) {
      sinceTrim.put(key, recorded + 1);
      return true;
    }
    Sql.execute(c, "DELETE FROM sent_message WHERE sender = ? AND id <= (SELECT id FROM "
        + "sent_message WHERE sender = ? ORDER BY id DESC LIMIT 1 OFFSET ?)", sender, sender,
        (long) PER_KEY);
    sinceTrim.put(key, 0);
    return true;
  }
}
