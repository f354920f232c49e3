package dev.lanchat.server;

import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.message.RoomSummary;
import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.server.store.RoomLog;
import dev.lanchat.server.store.StoreException;
import dev.lanchat.server.store.StoredRoom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms with members, by room skeleton (protocol "Rooms"): entering a name makes its room
 * (with the spelling, ids, head and topic the store kept, or the entering client's spelling for
 * a new one), and a room whose last member leaves is dropped. It enforces {@code --max-rooms}
 * and {@code --max-rooms-per-client}.
 *
 * <p>Thread-safe. Its lock only guards making a room (so the room count holds); it is never
 * held while a room's lock is taken, and a room drops itself from the map without it.
 */
final class Rooms {
  /** What one ENTER led to. */
  sealed interface Entering {
    /** The client is in the room now. */
    record Entered(Room room) implements Entering {}

    /** The name breaks the room-name rule. */
    record Invalid() implements Entering {}

    /** The client is in that room already. */
    record AlreadyIn() implements Entering {}

    /** A limit was hit; {@code text} says which. */
    record TooMany(String text) implements Entering {}

    /** The store could not be read or written. */
    record StoreFailed() implements Entering {}

    /** The server is shutting down. */
    record Closed() implements Entering {}

    /** The end-to-end flag does not fit the room; {@code text} says why (E2E_MISMATCH). */
    record Mismatch(String text) implements Entering {}

    /** The room is end-to-end and the client published no key yet (E2E_KEY_INVALID). */
    record KeyMissing() implements Entering {}
  }

  private static final Logger log = LoggerFactory.getLogger(Rooms.class);
  /** Tries against a room that empties under our feet before giving up (never in practice). */
  private static final int ATTEMPTS = 8;

  private final Map<String, Room> byKey = new ConcurrentHashMap<>();
  private final ReentrantLock making = new ReentrantLock();
  private final RoomLog history;
  private final ServerConfig.RoomBudget budget;
  private final LongSupplier nanoClock;
  private final NoticePacing pacing;
  private final int maxRooms;
  private final int maxPerClient;
  private final PublishedKeys keys;
  private volatile boolean closed;

  /**
   * @param history where every room's events are kept
   * @param budget what each room carries for everyone together
   * @param nanoClock a monotonic clock for the budgets
   * @param pacing when membership notices go out
   * @param maxRooms most rooms with members at once
   * @param maxPerClient most rooms one client may be in at once
   */
  Rooms(RoomLog history, ServerConfig.RoomBudget budget, LongSupplier nanoClock,
      NoticePacing pacing, int maxRooms, int maxPerClient) {
    this(history, budget, nanoClock, pacing, maxRooms, maxPerClient, PublishedKeys.NONE);
  }

  /**
   * As the constructor above, with {@code keys} telling who may enter an end-to-end room.
   */
  Rooms(RoomLog history, ServerConfig.RoomBudget budget, LongSupplier nanoClock,
      NoticePacing pacing, int maxRooms, int maxPerClient, PublishedKeys keys) {
    this.keys = keys;
    this.history = history;
    this.budget = budget;
    this.nanoClock = nanoClock;
    this.pacing = pacing;
    this.maxRooms = maxRooms;
    this.maxPerClient = maxPerClient;
  }

  /** Lets {@code member} into the room named {@code name}, making it (plain) if needed. */
  Entering enter(Member member, String name, long since) {
    return enter(member, name, since, false);
  }

  /**
   * Lets {@code member} into the room named {@code name}, making it if needed: end-to-end, for
   * good, when {@code endToEnd} asks so and the room is new. An end-to-end room is entered only
   * by a member that published a key; the flag on a room that is not end-to-end, or on
   * {@code #general}, is a mismatch.
   */
  Entering enter(Member member, String name, long since, boolean endToEnd) {
    if (!RoomNames.isValid(name)) {
      return new Entering.Invalid();
    }
    String key = RoomNames.skeleton(name);
    if (member.rooms().contains(key)) {
      return new Entering.AlreadyIn();
    }
    if (endToEnd && key.equals(RoomNames.skeleton(RoomNames.GENERAL))) {
      return new Entering.Mismatch(RoomNames.GENERAL + " is never end-to-end: everyone starts "
          + "there; make another room with the end-to-end flag");
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (closed) {
        return new Entering.Closed();
      }
      Room room = byKey.get(key);
      if (room == null) {
        Entering made = make(name, key, endToEnd, member);
        if (!(made instanceof Entering.Entered e)) {
          return made;
        }
        room = e.room();
      } else {
        Optional<Entering> refused = refusal(room.name(), room.endToEnd(), endToEnd, member);
        if (refused.isPresent()) {
          return refused.get();
        }
      }
      switch (room.enter(member, since)) {
        case RoomResult.Entered e -> {
          return new Entering.Entered(room);
        }
        case RoomResult.AlreadyIn a -> {
          return new Entering.AlreadyIn();
        }
        case RoomResult.StoreFailed f -> {
          return new Entering.StoreFailed();
        }
        default -> byKey.remove(key, room); // it emptied meanwhile: a fresh one continues it
      }
    }
    return closed ? new Entering.Closed() : new Entering.StoreFailed();
  }

  /**
   * Why {@code member} may not enter the room {@code room}, whose flag is {@code roomEndToEnd},
   * having asked with {@code asked}, if it may not; in the order of protocol §5.9: the
   * end-to-end flag, the end-to-end key, then the client's room limit.
   */
  private Optional<Entering> refusal(String room, boolean roomEndToEnd, boolean asked,
      Member member) {
    Optional<Entering> refused = e2eRefusal(room, roomEndToEnd, asked, member);
    if (refused.isPresent() || member.rooms().size() < maxPerClient) {
      return refused;
    }
    return Optional.of(new Entering.TooMany("you are in " + maxPerClient + " rooms, the most "
        + "this server allows one client (--max-rooms-per-client); part one first"));
  }

  /** The end-to-end part of {@link #refusal}. */
  private Optional<Entering> e2eRefusal(String room, boolean roomEndToEnd, boolean asked,
      Member member) {
    if (asked && !roomEndToEnd) {
      return Optional.of(new Entering.Mismatch(room + " exists and is not end-to-end; a room's "
          + "end-to-end flag never changes: enter it without the flag, or make a new room"));
    }
    if (!roomEndToEnd) {
      return Optional.empty();
    }
    try {
      return keys.hasCurrent(member.key(), System.currentTimeMillis()) ? Optional.empty()
          : Optional.of(new Entering.KeyMissing());
    } catch (StoreException e) {
      log.warn("cannot read an end-to-end key: {}", e.getMessage());
      return Optional.of(new Entering.StoreFailed());
    }
  }

  /**
   * Makes the room {@code key} (unless another thread just did), within {@code --max-rooms}:
   * as the store keeps it, or new, end-to-end when {@code endToEnd} asks so.
   */
  private Entering make(String name, String key, boolean endToEnd, Member member) {
    making.lock();
    try {
      Room existing = byKey.get(key);
      if (existing != null) {
        return refusal(existing.name(), existing.endToEnd(), endToEnd, member)
            .orElseGet(() -> new Entering.Entered(existing));
      }
      Optional<StoredRoom> stored;
      try {
        stored = history.room(name);
      } catch (StoreException e) {
        log.warn("cannot read room {}: {}", name, e.getMessage());
        return new Entering.StoreFailed();
      }
      String spelled = stored.map(StoredRoom::name).orElse(name);
      boolean e2e = stored.map(StoredRoom::endToEnd).orElse(endToEnd);
      Optional<Entering> refused = refusal(spelled, e2e, endToEnd, member);
      if (refused.isPresent()) {
        return refused.get();
      }
      if (byKey.size() >= maxRooms) {
        return new Entering.TooMany("the server has " + maxRooms + " rooms with members, the "
            + "most it allows (--max-rooms); enter one of them");
      }
      if (stored.isEmpty() && endToEnd) {
        try {
          stored = Optional.of(history.createEndToEnd(name));
        } catch (StoreException e) {
          log.warn("cannot make the end-to-end room {}: {}", name, e.getMessage());
          return new Entering.StoreFailed();
        }
      }
      Room room = new Room(spelled, stored.map(StoredRoom::topic).orElse(""),
          stored.map(StoredRoom::endToEnd).orElse(false), history, budget, nanoClock, pacing,
          gone -> byKey.remove(key, gone));
      byKey.put(key, room);
      return new Entering.Entered(room);
    } finally {
      making.unlock();
    }
  }

  /** The room named {@code name} if {@code member} is in it. */
  Optional<Room> of(Member member, String name) {
    if (!RoomNames.isValid(name)) {
      return Optional.empty();
    }
    String key = RoomNames.skeleton(name);
    return member.rooms().contains(key) ? Optional.ofNullable(byKey.get(key)) : Optional.empty();
  }

  /** The room named {@code name}, if it has members. */
  Optional<Room> named(String name) {
    return RoomNames.isValid(name)
        ? Optional.ofNullable(byKey.get(RoomNames.skeleton(name))) : Optional.empty();
  }

  /** Every room {@code member} is in. */
  List<Room> of(Member member) {
    List<Room> rooms = new ArrayList<>();
    for (String key : member.rooms()) {
      Room room = byKey.get(key);
      if (room != null) {
        rooms.add(room);
      }
    }
    return rooms;
  }

  /** {@code member} leaves every room it is in, with one LEFT in each. */
  void leaveAll(Member member, String reason, String message) {
    for (Room room : of(member)) {
      room.leave(member, reason, message);
    }
  }

  /**
   * ROOM_LIST's rooms: those with members, sorted by name, as many as fit one record.
   */
  List<RoomSummary> list() {
    List<RoomSummary> all = new ArrayList<>();
    for (Room room : byKey.values()) {
      RoomSummary s = room.summary();
      if (s.members() > 0) {
        all.add(s);
      }
    }
    all.sort(Comparator.comparing(RoomSummary::room));
    List<RoomSummary> fit = new ArrayList<>();
    int size = 1 + 2;
    for (RoomSummary s : all) {
      size += PendingNotices.utf8(s.room()) + 4 + PendingNotices.utf8(s.topic()) + 1;
      if (size > CipherState.MAX_PLAINTEXT || fit.size() == 0xFFFF) {
        break;
      }
      fit.add(s);
    }
    return fit;
  }

  /** How many rooms have members now. */
  int count() {
    return byKey.size();
  }

  /** Closes every room for a server shutdown: no LEFT, no more events, no new rooms. */
  void close() {
    closed = true;
    making.lock();
    try {
      for (Room room : byKey.values()) {
        room.close();
      }
      byKey.clear();
    } finally {
      making.unlock();
    }
  }
}
