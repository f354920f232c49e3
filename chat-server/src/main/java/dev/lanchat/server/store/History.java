package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHash;
import dev.lanchat.common.rules.RoomNames;
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
 * <p>Pruning is cheap and bounded: a room's every {@value #PRUNE_EVERY}th event deletes, in one
 * go, the at most {@value #PRUNE_EVERY} events that fell out of retention since the last one
 * did, so a room keeps at most {@value #PRUNE_EVERY} - 1 events beyond {@code --history} on
 * disk; and each line writes one page of the log fewer than when every event pruned one
 * (which, with {@code secure_delete}, also rewrote the deleted row's page). {@link #sweep} does
 * the rest (rooms nobody writes to, a lowered {@code --history}) in bounded steps. Reads never
 * return an event outside retention, pruned or not.
 *
 * <p>Each event also extends the room's chain (protocol "Room chain"): the head after it is
 * computed from the head before it in the transaction that gives the id, and kept with the
 * event (its row's {@code head}, and {@code room_head}, at once or, with event rows kept, a
 * little later: {@link RoomTips}), so a head never skips or repeats an id, across restarts
 * too. A line's client message id is kept the same way ({@link SentMessages}).
 *
 * <p>Thread-safe: every method is one transaction of the {@link Store} it came from.
 */
public final class History implements RoomLog {
  /** Events a new member gets as context. */
  public static final int CONTEXT_EVENTS = 20;

  /** Events a returning member gets at most; it is told how many earlier ones were left out. */
  public static final int CATCH_UP_LIMIT = 1_000;

  /**
   * Client message ids remembered per key at least (at most 63 more: they are trimmed every
   * 64th id): far more than a client queues while away (100).
   */
  public static final int SENT_PER_KEY = SentMessages.PER_KEY;

  /** A room is pruned at every this many events, of at most this many rows. */
  static final int PRUNE_EVERY = 64;

  /** Rows one {@link #sweep} step deletes at most per room, and of client message ids. */
  private static final int SWEEP_ROWS = 1_000;

  private static final String COLUMNS = "room, event_id, at, type, sender, body";

  private final Transactions store;
  private final SentMessages sentMessages;
  private final RoomTips roomTips;
  private final Retention retention;
  private final Clock clock;

  History(Transactions store, SentMessages sentMessages, RoomTips roomTips, Retention retention,
      Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.sentMessages = Objects.requireNonNull(sentMessages, "sentMessages");
    this.roomTips = Objects.requireNonNull(roomTips, "roomTips");
    this.retention = Objects.requireNonNull(retention, "retention");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The retention this view keeps. */
  public Retention retention() {
    return retention;
  }

  /**
   * Gives the event the room's next id and chain head, encodes it with both, and writes it, in
   * one transaction; or, when the draft carries a client message id its sender had taken before,
   * does nothing and says so. With {@code --history 0} only the id and head are written.
   *
   * @throws IllegalStateException if the store spells the room otherwise than the draft
   * @throws StoreException if the store cannot be written (the event has no id: do not fan out)
   */
  @Override
  public AppendResult append(RoomEventDraft draft, EventEncoder encoder) throws StoreException {
    return append(draft, encoder, Optional.empty());
  }

  /**
   * As {@link #append(RoomEventDraft, EventEncoder)} for a TOPIC event, keeping {@code topic} as
   * the room's topic in the same transaction (when text is kept at all).
   *
   * @throws StoreException if the store cannot be written (nothing changed)
   */
  @Override
  public AppendResult appendTopic(RoomEventDraft draft, EventEncoder encoder, String topic)
      throws StoreException {
    return append(draft, encoder, Optional.of(topic));
  }

  private AppendResult append(RoomEventDraft draft, EventEncoder encoder, Optional<String> topic)
      throws StoreException {
    Objects.requireNonNull(encoder, "encoder");
    long now = clock.millis();
    return store.write("write a room event", Durability.PROCESS_CRASH, c -> {
      Tip tip = Tip.read(c, draft.room(), roomTips);
      AppendResult result = appendUnlessRepeat(c, draft, encoder, now, tip);
      tip.write(c, roomTips, retention.keepsText());
      if (result instanceof AppendResult.Appended appended && topic.isPresent()
          && retention.keepsText()) {
        Sql.execute(c, "UPDATE room_head SET topic = ? WHERE room = ?", topic.get(),
            appended.event().room());
      }
      return result;
    });
  }

  /**
   * As {@link #append(RoomEventDraft, EventEncoder)} for each draft in turn, all in one
   * transaction (group commit): the lines a room's members sent while its previous event was
   * being written. Each gets its own result, in order; the appended ones have consecutive ids.
   * A draft whose client message id was taken before, by an earlier draft of the same call too,
   * is a {@link AppendResult.Repeat}.
   *
   * @param drafts all of one room (none: nothing is written)
   * @param encoders one per draft, in the same order
   * @throws IllegalArgumentException if the lists differ in size or the drafts are not all of
   *     one room
   * @throws StoreException if the store cannot be written (no draft has an id: send none)
   */
  @Override
  public List<AppendResult> appendEach(List<RoomEventDraft> drafts, List<EventEncoder> encoders)
      throws StoreException {
    checkOneRoom(drafts, encoders);
    if (drafts.isEmpty()) {
      return List.of();
    }
    long now = clock.millis();
    return store.write("write room events", Durability.PROCESS_CRASH, c -> {
      Tip tip = Tip.read(c, drafts.get(0).room(), roomTips);
      List<AppendResult> all = new ArrayList<>(drafts.size());
      for (int i = 0; i < drafts.size(); i++) {
        all.add(appendUnlessRepeat(c, drafts.get(i), encoders.get(i), now, tip));
      }
      tip.write(c, roomTips, retention.keepsText());
      return all;
    });
  }

  private static void checkOneRoom(List<RoomEventDraft> drafts, List<EventEncoder> encoders) {
    if (drafts.size() != encoders.size()) {
      throw new IllegalArgumentException("one encoder per draft");
    }
    for (RoomEventDraft d : drafts) {
      if (!d.room().equals(drafts.get(0).room())) {
        throw new IllegalArgumentException("events appended together are of one room");
      }
    }
  }

  /**
   * Inside the caller's transaction: appends the draft and records its client message id, or
   * says it is a repeat.
   */
  private AppendResult appendUnlessRepeat(Connection c, RoomEventDraft draft,
      EventEncoder encoder, long now, Tip tip) throws SQLException {
    if (draft.clientMessageId().isEmpty()) {
      return appendOne(c, draft, encoder, now, tip);
    }
    byte[] sender = draft.sender().map(ByteString::toByteArray).orElse(null);
    long messageId = draft.clientMessageId().getAsLong();
    // the id this event gets if it is new: recorded first, so a repeat is found at once
    EventRef next = new EventRef(tip.key, tip.lastEventId + 1);
    // with its event row kept, the row carries the id, so the id's own row can wait
    boolean fresh = retention.keepsText()
        ? sentMessages.takeLater(c, sender, messageId, now, next)
        : sentMessages.take(c, sender, messageId, now, Optional.of(next));
    if (!fresh) {
      return new AppendResult.Repeat(sentMessages.find(c, sender, messageId).orElseThrow());
    }
    return appendOne(c, draft, encoder, now, tip);
  }

  /**
   * Appends several events of one room in one transaction, in order, with consecutive ids: the
   * membership changes a room sends together (MEMBERS_CHANGED). None may carry a client message
   * id.
   *
   * @param encoders one per draft, in the same order
   * @throws IllegalArgumentException if the lists differ in size, a draft carries a client
   *     message id, or the drafts are not all of one room
   * @throws StoreException if the store cannot be written (no event has an id: do not fan out)
   */
  @Override
  public List<AppendResult.Appended> appendAll(List<RoomEventDraft> drafts,
      List<EventEncoder> encoders) throws StoreException {
    for (RoomEventDraft d : drafts) {
      if (d.clientMessageId().isPresent()) {
        throw new IllegalArgumentException("membership changes carry no client message id");
      }
    }
    // without a client message id no draft can be a repeat: appendEach appends every one
    return appendEach(drafts, encoders).stream()
        .map(AppendResult.Appended.class::cast)
        .toList();
  }

  /**
   * What the store keeps of the room named {@code room} (its first spelling, last id, head and
   * topic), or empty when it never had an event.
   *
   * @throws IllegalArgumentException if {@code room} is not a valid room name
   * @throws StoreException if the store cannot be read
   */
  @Override
  public Optional<StoredRoom> room(String room) throws StoreException {
    String key = RoomNames.skeleton(room);
    return store.read("read a room", c -> headRow(c, key).map(h -> {
      StoredRoom stored = h.stored(room);
      return roomTips.unwritten(key).map(tip -> new StoredRoom(stored.name(), tip.lastEventId(),
          tip.head(), stored.topic(), stored.endToEnd())).orElse(stored);
    }));
  }

  /**
   * Writes the room named {@code room} as end-to-end, with no event yet, unless the store keeps
   * it already (then nothing changes). Durable against power loss: a room that lost its flag
   * would take plain text under a name its members trust to be end-to-end.
   *
   * @throws IllegalArgumentException if {@code room} is not a valid room name
   * @throws StoreException if the store cannot be written
   */
  @Override
  public StoredRoom createEndToEnd(String room) throws StoreException {
    String key = RoomNames.skeleton(room);
    return store.write("make an end-to-end room", Durability.POWER_LOSS, c -> {
      Optional<HeadRow> row = headRow(c, key);
      if (row.isPresent()) {
        return row.get().stored(room);
      }
      StoredRoom made = genesis(room);
      Sql.execute(c, "INSERT INTO room_head (room, last_event_id, name, head, end_to_end) "
          + "VALUES (?, 0, ?, ?, 1)", key, made.name(), made.head().toByteArray());
      return new StoredRoom(made.name(), 0, made.head(), "", true);
    });
  }

  /**
   * Numbers, chains, encodes and writes one event of {@code tip}'s room inside the caller's
   * transaction, moving {@code tip} on; the caller writes the tip once its events are in.
   */
  private AppendResult.Appended appendOne(Connection c, RoomEventDraft draft,
      EventEncoder encoder, long now, Tip tip) throws SQLException {
    String key = tip.key;
    long eventId = tip.lastEventId + 1;
    ByteString head = ChainHash.next(tip.head, draft.chainEvent(tip.name, eventId));
    byte[] encoded = encoder.encode(eventId, head).clone();
    tip.advance(eventId, head);
    if (retention.keepsText()) {
      Sql.execute(c, "INSERT INTO room_event (" + COLUMNS + ", message_id, head) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", key, eventId, draft.time(), (long) draft.type(),
          draft.sender().map(ByteString::toByteArray).orElse(null), encoded,
          draft.clientMessageId().isPresent() ? draft.clientMessageId().getAsLong() : null,
          head.toByteArray());
      pruneRoom(c, key, eventId, now);
    }
    return new AppendResult.Appended(new StoredEvent(key, eventId, draft.time(), draft.type(),
        draft.sender(), ByteString.copyOf(encoded)), head);
  }

  private static StoredRoom genesis(String room) {
    return new StoredRoom(room, 0, ChainHash.genesis(room).head(), "");
  }

  /**
   * A room's {@code room_head} row as one write transaction sees it: read once before its
   * events (from {@link RoomTips} when kept there), moved on by each, written once after them (a
   * group of lines rewrites the row once, not once a line).
   */
  private static final class Tip {
    final String key;
    final String name;
    final boolean stored;
    long lastEventId;
    ByteString head;
    boolean moved;

    private Tip(String key, RoomTips.Row row, boolean stored) {
      this.key = key;
      this.name = row.name();
      this.stored = stored;
      this.lastEventId = row.lastEventId();
      this.head = row.head();
    }

    /**
     * The tip of the room the draft names {@code room}.
     *
     * @throws IllegalStateException if the store spells the room otherwise
     */
    static Tip read(Connection c, String room, RoomTips tips) throws SQLException {
      String key = RoomNames.skeleton(room);
      Optional<RoomTips.Row> kept = tips.get(key);
      RoomTips.Row before;
      boolean stored;
      if (kept.isPresent()) {
        before = kept.get();
        stored = true;
      } else {
        Optional<HeadRow> row = headRow(c, key);
        StoredRoom fromStore = row.map(h -> h.stored(room)).orElseGet(() -> genesis(room));
        before = new RoomTips.Row(fromStore.name(), fromStore.lastEventId(), fromStore.head());
        stored = row.isPresent();
      }
      if (!before.name().equals(room)) {
        throw new IllegalStateException("the store spells this room " + before.name());
      }
      return new Tip(key, before, stored);
    }

    void advance(long eventId, ByteString newHead) {
      lastEventId = eventId;
      head = newHead;
      moved = true;
    }

    /**
     * Keeps the tip in {@code tips} if an event moved it, and writes the row now when it is new
     * or its events are not kept ({@code later} false); otherwise the row waits, and the last
     * event row, which carries the head, says the same meanwhile.
     */
    void write(Connection c, RoomTips tips, boolean later) throws SQLException {
      if (!moved) {
        return;
      }
      RoomTips.Row row = new RoomTips.Row(name, lastEventId, head);
      if (stored && later) {
        tips.putUnwritten(c, key, row);
        return;
      }
      tips.put(key, row);
      if (stored) {
        RoomTips.writeRow(c, key, row);
      } else {
        Sql.execute(c, "INSERT INTO room_head (room, last_event_id, name, head) "
            + "VALUES (?, ?, ?, ?)", key, lastEventId, name, head.toByteArray());
      }
    }
  }

  /** A {@code room_head} row; name and head are null in rows written before schema step 4. */
  private record HeadRow(long lastEventId, String name, byte[] head, String topic,
      boolean endToEnd) {
    /** The row as a {@link StoredRoom}, with {@code asked} standing in for a missing name. */
    StoredRoom stored(String asked) {
      String spelled = name == null ? asked : name;
      ByteString chained = head == null ? ChainHash.genesis(spelled).head() // a step-3 row:
          : ByteString.copyOf(head); // its events carried no heads, so the chain starts here
      return new StoredRoom(spelled, lastEventId, chained, topic, endToEnd);
    }
  }

  private static Optional<HeadRow> headRow(Connection c, String key) throws SQLException {
    try (ResultSet row = Sql.query(c,
        "SELECT last_event_id, name, head, topic, end_to_end FROM room_head WHERE room = ?", key)) {
      return row.next()
          ? Optional.of(new HeadRow(row.getLong(1), row.getString(2), row.getBytes(3),
              row.getString(4), row.getInt(5) == 1))
          : Optional.empty();
    }
  }

  /**
   * The room's last event id, 0 when it never had one.
   *
   * @throws IllegalArgumentException if {@code room} is not a valid room name
   * @throws StoreException if the store cannot be read
   */
  public long lastEventId(String room) throws StoreException {
    String key = RoomNames.skeleton(room);
    return store.read("read a room's last event id", c -> lastEventId(c, key));
  }

  /**
   * The last {@value #CONTEXT_EVENTS} events of {@code room} still kept, oldest first: the
   * context a new member is shown as history.
   *
   * @throws StoreException if the store cannot be read
   */
  @Override
  public List<StoredEvent> recent(String room) throws StoreException {
    String key = RoomNames.skeleton(room);
    long now = clock.millis();
    return store.read("read a room's history", c -> {
      long last = lastEventId(c, key);
      return newest(c, key, oldestKept(last) - 1, now, CONTEXT_EVENTS);
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
  @Override
  public CatchUp after(String room, long lastSeen) throws StoreException {
    if (lastSeen < 0) {
      throw new IllegalArgumentException("event ids start at 1; 0 means none seen");
    }
    String key = RoomNames.skeleton(room);
    long now = clock.millis();
    return store.read("read what a member missed", c -> {
      long last = lastEventId(c, key);
      if (lastSeen > last) {
        return new CatchUp.AheadOfStore(last);
      }
      List<StoredEvent> events =
          newest(c, key, Math.max(lastSeen, oldestKept(last) - 1), now, CATCH_UP_LIMIT);
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
    return store.write("prune the history", Durability.POWER_LOSS, c -> {
      while (sentMessages.anyWaiting()) {
        sentMessages.write(c); // before any event that carries a waiting id is deleted
      }
      roomTips.write(c); // before a room's last event, which says its tip, may be deleted
      int deleted = 0;
      if (!retention.keepsText()) {
        deleted += Sql.execute(c, "DELETE FROM room_event WHERE (room, event_id) IN "
            + "(SELECT room, event_id FROM room_event LIMIT ?)", (long) SWEEP_ROWS);
        return deleted;
      }
      for (String room : rooms(c)) {
        long oldest = oldestKept(lastEventId(c, room));
        deleted += Sql.execute(c, "DELETE FROM room_event WHERE room = ? AND event_id IN (SELECT "
            + "event_id FROM room_event WHERE room = ? AND event_id < ? ORDER BY event_id "
            + "LIMIT ?)", room, room, oldest, (long) SWEEP_ROWS);
        if (retention.maxAge().isPresent()) {
          deleted += pruneOldestByAge(c, room, SWEEP_ROWS, cutoff);
        }
      }
      if (retention.maxAge().isPresent()) {
        // ids are given in time order, so the expired ones are the lowest: no index on "at"
        deleted += Sql.execute(c, "DELETE FROM sent_message WHERE id IN "
            + "(SELECT id FROM sent_message ORDER BY id LIMIT ?) AND at < ?", (long) SWEEP_ROWS,
            cutoff);
      }
      return deleted;
    });
  }

  /** The lowest id that the count limit still keeps, given the room's last id. */
  private long oldestKept(long last) {
    return Math.max(1, last - retention.eventsPerRoom() + 1);
  }

  /** The room's last event id: its waiting tip's, or its row's, or 0 before its first event. */
  private long lastEventId(Connection c, String room) throws SQLException {
    Optional<RoomTips.Row> waiting = roomTips.unwritten(room);
    if (waiting.isPresent()) {
      return waiting.get().lastEventId();
    }
    try (ResultSet row =
        Sql.query(c, "SELECT last_event_id FROM room_head WHERE room = ?", room)) {
      return row.next() ? row.getLong(1) : 0;
    }
  }

  /**
   * On every {@value #PRUNE_EVERY}th event of a room, deletes what the last {@value
   * #PRUNE_EVERY} events pushed out of retention: the ids that fell below the count since the
   * last such event, and among the room's oldest {@value #PRUNE_EVERY} those past the age limit.
   * Both walk at most {@value #PRUNE_EVERY} keys of the room's primary key.
   */
  private void pruneRoom(Connection c, String room, long eventId, long now) throws SQLException {
    if (eventId % PRUNE_EVERY != 0) {
      return;
    }
    long below = oldestKept(eventId);
    long cutoff = retention.maxAge().isPresent() ? retention.cutoff(now) : Long.MIN_VALUE;
    while (sentMessages.waitsBelow(room, below, cutoff)) {
      sentMessages.write(c); // the ids of the events about to go are in their rows alone
    }
    Sql.execute(c, "DELETE FROM room_event WHERE room = ? AND event_id >= ? AND event_id < ?",
        room, below - PRUNE_EVERY, below);
    if (retention.maxAge().isPresent()) {
      pruneOldestByAge(c, room, PRUNE_EVERY, retention.cutoff(now));
    }
  }

  /**
   * Deletes, among the room's {@code oldest} lowest ids, the events written before {@code
   * cutoff}: a walk of the room's primary key, since a room's ids rise with time.
   *
   * @return events deleted
   */
  private static int pruneOldestByAge(Connection c, String room, int oldest, long cutoff)
      throws SQLException {
    return Sql.execute(c, "DELETE FROM room_event WHERE room = ? AND event_id IN (SELECT event_id "
        + "FROM room_event WHERE room = ? ORDER BY event_id LIMIT ?) AND at < ?", room, room,
        (long) oldest, cutoff);
  }

  /** The newest {@code limit} kept events of {@code room} with ids from {@code from + 1}. */
  private List<StoredEvent> newest(Connection c, String room, long from, long now, int limit)
      throws SQLException {
    List<StoredEvent> events = new ArrayList<>();
    // every ENTER runs it (its catch-up): kept compiled (Sql)
    try (ResultSet rows = Sql.query(c, "SELECT " + COLUMNS + " FROM room_event "
        + "WHERE room = ? AND event_id > ? AND at >= ? ORDER BY event_id DESC LIMIT ?",
        room, from, retention.cutoff(now), (long) limit)) {
      while (rows.next()) {
        byte[] sender = rows.getBytes(5);
        events.add(new StoredEvent(rows.getString(1), rows.getLong(2), rows.getLong(3),
            rows.getInt(4), Optional.ofNullable(sender).map(ByteString::copyOf),
            ByteString.copyOf(rows.getBytes(6))));
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
}
