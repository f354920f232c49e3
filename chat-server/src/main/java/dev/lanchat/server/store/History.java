package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rooms' events in the store: each room's own order of event ids, the events kept by {@link
 * Retention}, and the record of client message ids already taken, so a message sent again after
 * a lost connection is dropped.
 *
 * <p>Writing an event and giving it its id are one transaction ({@link #append}): once append
 * returns, the event survives a crash of the process, so the server fans it out only after. The
 * caller orders a room's events (the room's lock); the store numbers them in that order.
 *
 * <p>Pruning is cheap and bounded: each append deletes at most {@value #PRUNE_PER_WRITE} of that
 * room's events that fell out of retention; {@link #sweep} does the rest (rooms nobody writes
 * to, a lowered {@code --history}) in bounded steps. Reads never return an event outside
 * retention, pruned or not.
 *
 * <p>Thread-safe: every method is one transaction of the {@link Store} it came from.
 */
public final class History {
  /** Events a new member gets as context. */
  public static final int CONTEXT_EVENTS = 20;

  /** Events a returning member gets at most; it is told how many earlier ones were left out. */
  public static final int CATCH_UP_LIMIT = 1_000;

  /** Client message ids remembered per key: far more than a client queues while away (100). */
  public static final int SENT_PER_KEY = 1_000;

  /** Rows one append prunes at most, and one {@link #sweep} step per table. */
  static final int PRUNE_PER_WRITE = 64;

  private static final int SWEEP_ROWS = 1_000;

  private static final String COLUMNS = "room, event_id, at, type, sender, body";

  private final Store store;
  private final Retention retention;
  private final Clock clock;

  History(Store store, Retention retention, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.retention = Objects.requireNonNull(retention, "retention");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The retention this view keeps. */
  public Retention retention() {
    return retention;
  }

  /**
   * Gives the event the room's next id, encodes it with that id, and writes it, in one
   * transaction; or, when the draft carries a client message id its sender had taken before,
   * does nothing and says so. With {@code --history 0} only the id is written.
   *
   * @throws StoreException if the store cannot be written (the event has no id: do not fan out)
   */
  public AppendResult append(RoomEventDraft draft, EventEncoder encoder) throws StoreException {
    Objects.requireNonNull(encoder, "encoder");
    byte[] sender = draft.sender().map(ByteString::toByteArray).orElse(null);
    long now = clock.millis();
    return store.write("write a room event", c -> {
      if (draft.clientMessageId().isPresent()) {
        Optional<Optional<EventRef>> seen =
            SentMessages.find(c, sender, draft.clientMessageId().getAsLong());
        if (seen.isPresent()) {
          return new AppendResult.Repeat(seen.get());
        }
      }
      long eventId = nextEventId(c, draft.room());
      byte[] encoded = encoder.encode(eventId).clone();
      if (retention.keepsText()) {
        try (PreparedStatement insert = c.prepareStatement(
            "INSERT INTO room_event (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
          Store.bindAll(insert, draft.room(), eventId, draft.time(), (long) draft.type(), sender,
              encoded);
          insert.executeUpdate();
        }
        pruneRoom(c, draft.room(), eventId, now);
      }
      if (draft.clientMessageId().isPresent()) {
        SentMessages.record(c, sender, draft.clientMessageId().getAsLong(), now,
            Optional.of(new EventRef(draft.room(), eventId)));
      }
      return new AppendResult.Appended(new StoredEvent(draft.room(), eventId, draft.time(),
          draft.type(), draft.sender(), ByteString.copyOf(encoded)));
    });
  }

  /**
   * The room's last event id, 0 when it never had one.
   *
   * @throws StoreException if the store cannot be read
   */
  public long lastEventId(String room) throws StoreException {
    return store.read("read a room's last event id", c -> lastEventId(c, room));
  }

  /**
   * The last {@value #CONTEXT_EVENTS} events of {@code room} still kept, oldest first: the
   * context a new member is shown as history.
   *
   * @throws StoreException if the store cannot be read
   */
  public List<StoredEvent> recent(String room) throws StoreException {
    long now = clock.millis();
    return store.read("read a room's history", c -> {
      long last = lastEventId(c, room);
      return newest(c, room, oldestKept(last) - 1, now, CONTEXT_EVENTS);
    });
  }

  /**
   * What a member who last saw {@code lastSeen} in {@code room} missed: the events after it
   * still kept, at most {@value #CATCH_UP_LIMIT} (the newest), oldest first, and how many were
   * left out before them.
   *
   * @throws IllegalArgumentException if {@code lastSeen} is negative
   * @throws StoreException if the store cannot be read
   */
  public CatchUp after(String room, long lastSeen) throws StoreException {
    if (lastSeen < 0) {
      throw new IllegalArgumentException("event ids start at 1; 0 means none seen");
    }
    long now = clock.millis();
    return store.read("read what a member missed", c -> {
      long last = lastEventId(c, room);
      if (lastSeen > last) {
        return new CatchUp.AheadOfStore(last);
      }
      List<StoredEvent> events =
          newest(c, room, Math.max(lastSeen, oldestKept(last) - 1), now, CATCH_UP_LIMIT);
      // ids are given one by one, so every id between lastSeen and the first returned is an
      // event this member will not get: over the limit, pruned, or never stored (--history 0)
      long first = events.isEmpty() ? last + 1 : events.get(0).eventId();
      return new CatchUp.Events(events, first - lastSeen - 1);
    });
  }

  /**
   * Deletes, in bounded steps, what fell out of retention where no append prunes it: events
   * beyond the count (after {@code --history} was lowered) or age in every room, all events when
   * {@code --history} is 0, and client message ids older than the age limit. Run it until it
   * returns 0 at start-up, then now and then (every few minutes).
   *
   * @return rows deleted by this step
   * @throws StoreException if the store cannot be written
   */
  public int sweep() throws StoreException {
    long cutoff = retention.cutoff(clock.millis());
    return store.write("prune the history", c -> {
      int deleted = 0;
      if (!retention.keepsText()) {
        deleted += execute(c, "DELETE FROM room_event WHERE (room, event_id) IN "
            + "(SELECT room, event_id FROM room_event LIMIT ?)", (long) SWEEP_ROWS);
        return deleted;
      }
      for (String room : rooms(c)) {
        long oldest = oldestKept(lastEventId(c, room));
        deleted += execute(c, "DELETE FROM room_event WHERE room = ? AND event_id IN (SELECT "
            + "event_id FROM room_event WHERE room = ? AND event_id < ? ORDER BY event_id "
            + "LIMIT ?)", room, room, oldest, (long) SWEEP_ROWS);
      }
      if (retention.maxAge().isPresent()) {
        deleted += execute(c, "DELETE FROM room_event WHERE (room, event_id) IN "
            + "(SELECT room, event_id FROM room_event WHERE at < ? LIMIT ?)", cutoff,
            (long) SWEEP_ROWS);
        deleted += execute(c, "DELETE FROM sent_message WHERE id IN "
            + "(SELECT id FROM sent_message WHERE at < ? LIMIT ?)", cutoff, (long) SWEEP_ROWS);
      }
      return deleted;
    });
  }

  /** The lowest id that the count limit still keeps, given the room's last id. */
  private long oldestKept(long last) {
    return Math.max(1, last - retention.eventsPerRoom() + 1);
  }

  private static long lastEventId(Connection c, String room) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement("SELECT last_event_id FROM room_head WHERE room = ?")) {
      Store.bindAll(select, room);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getLong(1) : 0;
      }
    }
  }

  private static long nextEventId(Connection c, String room) throws SQLException {
    execute(c, "INSERT INTO room_head (room, last_event_id) VALUES (?, 1) "
        + "ON CONFLICT (room) DO UPDATE SET last_event_id = last_event_id + 1", room);
    return lastEventId(c, room);
  }

  /**
   * Deletes what the event {@code eventId} pushed out of retention: the ids that just fell below
   * the count, and among the room's oldest {@value #PRUNE_PER_WRITE} those past the age limit.
   * Both walk at most {@value #PRUNE_PER_WRITE} keys of the room's primary key.
   */
  private void pruneRoom(Connection c, String room, long eventId, long now) throws SQLException {
    long below = oldestKept(eventId);
    execute(c, "DELETE FROM room_event WHERE room = ? AND event_id >= ? AND event_id < ?",
        room, below - PRUNE_PER_WRITE, below);
    if (retention.maxAge().isPresent()) {
      execute(c, "DELETE FROM room_event WHERE room = ? AND event_id IN (SELECT event_id FROM "
          + "room_event WHERE room = ? ORDER BY event_id LIMIT ?) AND at < ?", room, room,
          (long) PRUNE_PER_WRITE, retention.cutoff(now));
    }
  }

  /** The newest {@code limit} kept events of {@code room} with ids from {@code from + 1}. */
  private List<StoredEvent> newest(Connection c, String room, long from, long now, int limit)
      throws SQLException {
    List<StoredEvent> events = new ArrayList<>();
    try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM room_event "
        + "WHERE room = ? AND event_id > ? AND at >= ? ORDER BY event_id DESC LIMIT ?")) {
      Store.bindAll(select, room, from, retention.cutoff(now), (long) limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          byte[] sender = rows.getBytes(5);
          events.add(new StoredEvent(rows.getString(1), rows.getLong(2), rows.getLong(3),
              rows.getInt(4), Optional.ofNullable(sender).map(ByteString::copyOf),
              ByteString.copyOf(rows.getBytes(6))));
        }
      }
    }
    Collections.reverse(events);
    return events;
  }

  private static List<String> rooms(Connection c) throws SQLException {
    List<String> rooms = new ArrayList<>();
    try (PreparedStatement select = c.prepareStatement("SELECT room FROM room_head");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        rooms.add(rows.getString(1));
      }
    }
    return rooms;
  }

  static int execute(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      Store.bindAll(statement, values);
      return statement.executeUpdate();
    }
  }
}
