package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL of the {@code sent_message} table (which client message ids each key has had taken),
 * run inside a {@link Store} transaction. It holds ids and places, never text.
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
 * <p>One per {@link Store}, used under its lock (inside its transactions).
 */
final class SentMessages {
  /** Client message ids remembered per key at least: far more than a client queues away (100). */
  static final int PER_KEY = 1_000;

  /** A key's ids are trimmed back to {@link #PER_KEY} every this many ids it records. */
  static final int TRIM_EVERY = 64;

  /** Keys whose count since their last trim is kept; the one that sent least recently goes. */
  static final int KEYS_COUNTED = 4_096;

  private final Map<ByteString, Integer> sinceTrim =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteString, Integer> eldest) {
          return size() > KEYS_COUNTED;
        }
      };

  /** Whether {@code sender} had {@code messageId} taken before, and where it went. */
  static Optional<Optional<EventRef>> find(Connection c, byte[] sender, long messageId)
      throws SQLException {
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
