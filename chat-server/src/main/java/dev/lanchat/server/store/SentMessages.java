package dev.lanchat.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The SQL of the {@code sent_message} table (which client message ids each key has had taken),
 * run inside a {@link Store} transaction. It holds ids and places, never text.
 */
final class SentMessages {
  /** Client message ids remembered per key: far more than a client queues while away (100). */
  static final int PER_KEY = 1_000;

  private SentMessages() {}

  /** Whether {@code sender} had {@code messageId} taken before, and where it went. */
  static Optional<Optional<EventRef>> find(Connection c, byte[] sender, long messageId)
      throws SQLException {
    PreparedStatement select = Sql.prepared(c,
        "SELECT room, event_id FROM sent_message WHERE sender = ? AND message_id = ?");
    Sql.bindAll(select, sender, messageId);
    try (ResultSet row = select.executeQuery()) {
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
   * Records that {@code messageId} from {@code sender} was taken, and forgets that key's
   * oldest ids beyond {@link #PER_KEY} (a bounded walk of that key's index).
   */
  static void record(Connection c, byte[] sender, long messageId, long now,
      Optional<EventRef> where) throws SQLException {
    Sql.execute(c, "INSERT INTO sent_message (sender, message_id, at, room, event_id) "
        + "VALUES (?, ?, ?, ?, ?)", sender, messageId, now,
        where.map(EventRef::room).orElse(null), where.map(EventRef::eventId).orElse(null));
    Sql.execute(c, "DELETE FROM sent_message WHERE sender = ? AND id <= (SELECT id FROM "
        + "sent_message WHERE sender = ? ORDER BY id DESC LIMIT 1 OFFSET ?)", sender, sender,
        (long) PER_KEY);
  }
}
