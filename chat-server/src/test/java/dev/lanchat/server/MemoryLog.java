package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHash;
import dev.lanchat.common.chain.RoomEvent;
import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.server.store.AppendResult;
import dev.lanchat.server.store.CatchUp;
import dev.lanchat.server.store.EventEncoder;
import dev.lanchat.server.store.History;
import dev.lanchat.server.store.RoomEventDraft;
import dev.lanchat.server.store.RoomLog;
import dev.lanchat.server.store.StoreException;
import dev.lanchat.server.store.StoredEvent;
import dev.lanchat.server.store.StoredRoom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link RoomLog} in memory for room tests: ids and heads as the store gives them (chained
 * with chat-common's {@link ChainHash}), every event kept, and a switch that makes every call
 * fail as a broken store would.
 */
final class MemoryLog implements RoomLog {
  private static final class Kept {
    final String name;
    final List<StoredEvent> events = new ArrayList<>();
    ByteString head;
    String topic = "";
    boolean endToEnd;

    Kept(String name) {
      this.name = name;
      this.head = ChainHash.genesis(name).head();
    }
  }

  private final Map<String, Kept> rooms = new HashMap<>();
  private final Set<String> taken = new HashSet<>();
  private volatile boolean failing;
  private int appends;
  private final List<Integer> eachCalls = new ArrayList<>();

  /** From now on every call fails ({@code true}) or works again. */
  void failing(boolean fail) {
    failing = fail;
  }

  /** How many events were appended, in all rooms. */
  synchronized int appends() {
    return appends;
  }

  /** Every event of {@code room} kept, oldest first. */
  synchronized List<StoredEvent> events(String room) {
    Kept k = rooms.get(RoomNames.skeleton(room));
    return k == null ? List.of() : List.copyOf(k.events);
  }

  /** The head after the last event of {@code room}. */
  synchronized ByteString head(String room) {
    return rooms.get(RoomNames.skeleton(room)).head;
  }

  private void check() throws StoreException {
    if (failing) {
      throw new StoreException(Path.of("memory"), "the test broke the store");
    }
  }

  @Override
  public synchronized AppendResult append(RoomEventDraft draft, EventEncoder encoder)
      throws StoreException {
    check();
    if (draft.clientMessageId().isPresent()) {
      String id = draft.sender().orElseThrow().base64() + "/"
          + draft.clientMessageId().getAsLong();
      if (!taken.add(id)) {
        return new AppendResult.Repeat(Optional.empty());
      }
    }
    return appendOne(draft, encoder);
  }

  @Override
  public synchronized List<AppendResult> appendEach(List<RoomEventDraft> drafts,
      List<EventEncoder> encoders) throws StoreException {
    check();
    List<AppendResult> all = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      all.add(append(drafts.get(i), encoders.get(i)));
    }
    eachCalls.add(drafts.size());
    return all;
  }

  /** The number of drafts of each {@link #appendEach} call, in order. */
  synchronized List<Integer> appendEachSizes() {
    return List.copyOf(eachCalls);
  }

  @Override
  public synchronized AppendResult appendTopic(RoomEventDraft draft, EventEncoder encoder,
      String topic) throws StoreException {
    AppendResult r = append(draft, encoder);
    rooms.get(RoomNames.skeleton(draft.room())).topic = topic;
    return r;
  }

  @Override
  public synchronized List<AppendResult.Appended> appendAll(List<RoomEventDraft> drafts,
      List<EventEncoder> encoders) throws StoreException {
    check();
    List<AppendResult.Appended> all = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      all.add(appendOne(drafts.get(i), encoders.get(i)));
    }
    return all;
  }

  private AppendResult.Appended appendOne(RoomEventDraft draft, EventEncoder encoder) {
    Kept k = rooms.computeIfAbsent(RoomNames.skeleton(draft.room()), key -> new Kept(draft.room()));
    long id = k.events.size() + 1;
    k.head = ChainHash.next(k.head, new RoomEvent(draft.sender().orElse(RoomEvent.SERVER),
        k.name, id, draft.time(), draft.type(), draft.payload()));
    StoredEvent event = new StoredEvent(RoomNames.skeleton(k.name), id, draft.time(),
        draft.type(), draft.sender(), ByteString.copyOf(encoder.encode(id, k.head)));
    k.events.add(event);
    appends++;
    return new AppendResult.Appended(event, k.head);
  }

  @Override
  public synchronized List<StoredEvent> recent(String room) throws StoreException {
    check();
    List<StoredEvent> all = events(room);
    return all.subList(Math.max(0, all.size() - History.CONTEXT_EVENTS), all.size());
  }

  @Override
  public synchronized CatchUp after(String room, long lastSeen) throws StoreException {
    check();
    List<StoredEvent> all = events(room);
    if (lastSeen > all.size()) {
      return new CatchUp.AheadOfStore(all.size());
    }
    List<StoredEvent> after = all.subList((int) lastSeen, all.size());
    List<StoredEvent> newest =
        after.subList(Math.max(0, after.size() - History.CATCH_UP_LIMIT), after.size());
    long first = newest.isEmpty() ? all.size() + 1 : newest.getFirst().eventId();
    return new CatchUp.Events(newest, first - lastSeen - 1);
  }

  @Override
  public synchronized Optional<StoredRoom> room(String room) throws StoreException {
    check();
    Kept k = rooms.get(RoomNames.skeleton(room));
    return k == null ? Optional.empty()
        : Optional.of(new StoredRoom(k.name, k.events.size(), k.head, k.topic, k.endToEnd));
  }

  @Override
  public synchronized StoredRoom createEndToEnd(String room) throws StoreException {
    check();
    String key = RoomNames.skeleton(room);
    Kept k = rooms.get(key);
    if (k == null) {
      k = new Kept(room);
      k.endToEnd = true;
      rooms.put(key, k);
    }
    return new StoredRoom(k.name, k.events.size(), k.head, k.topic, k.endToEnd);
  }
}
