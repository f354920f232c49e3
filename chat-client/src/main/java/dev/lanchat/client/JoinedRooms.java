package dev.lanchat.client;

import dev.lanchat.common.rules.Names;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The client's picture of its rooms: which rooms it is in (as the server spells them), which
 * one is current (where typed lines go), each room's topic and members, and how many of the
 * events still to come from a room are history (the {@code history} count of its ENTERED).
 * Rooms and names are matched by skeleton, as the server matches them.
 *
 * <p>Holds at most {@link #MAX_MEMBERS} names per room and {@link #MAX_LISTED} listed rooms,
 * so a server cannot grow it without bound. Thread-safe: the session's reader thread reports
 * events while the input thread asks where a line goes and completion reads names.
 */
final class JoinedRooms {
  /** Most member names kept per room (completion and {@code /who} beyond it ask the server). */
  static final int MAX_MEMBERS = 10_000;
  /** Most room names kept from the last {@code /rooms} answer, for completion. */
  static final int MAX_LISTED = 1_000;

  private static final Comparator<String> BY_SKELETON = Comparator.comparing(Names::skeleton);

  /** One room we are in. */
  private static final class Room {
    final String name;
    String topic = "";
    long historyLeft;
    final Set<String> members = new TreeSet<>(BY_SKELETON);

    Room(String name) {
      this.name = name;
    }
  }

  /** By room skeleton, in the order entered. */
  private final Map<String, Room> rooms = new LinkedHashMap<>();
  /** The room to make current when its ENTERED comes (an ENTER we asked for). */
  private final Set<String> switchOnEnter = new TreeSet<>();
  private final List<String> listed = new ArrayList<>();
  /** Away texts by name skeleton, as the last rosters said (AWAY itself makes no event). */
  private final Map<String, String> away = new HashMap<>();
  private String current;

  /** The form two room names are compared in: {@code #} and the skeleton of the rest. */
  static String skeleton(String room) {
    return room.startsWith("#") ? "#" + Names.skeleton(room.substring(1)) : Names.skeleton(room);
  }

  /** The current room, as the server spells it; empty when we are in none. */
  synchronized Optional<String> current() {
    return Optional.ofNullable(current).map(r -> rooms.get(r).name);
  }

  /** True when we are in {@code room}. */
  synchronized boolean isIn(String room) {
    return rooms.containsKey(skeleton(room));
  }

  /** {@code room} as the server spells it, when we are in it. */
  synchronized Optional<String> spelling(String room) {
    return Optional.ofNullable(rooms.get(skeleton(room))).map(r -> r.name);
  }

  /** True when {@code room} is the current room (events of other rooms carry their name). */
  synchronized boolean isCurrent(String room) {
    return skeleton(room).equals(current);
  }

  /** The rooms we are in, in the order entered. */
  synchronized List<String> joined() {
    return rooms.values().stream().map(r -> r.name).toList();
  }

  /** We asked to enter {@code room}: it becomes current once entered. */
  synchronized void entering(String room) {
    switchOnEnter.add(skeleton(room));
  }

  /**
   * We are in {@code room} (ENTERED); the next {@code history} events of it are history. It
   * becomes current when we asked for it, or when we were in no room. Entered again while in
   * it (a reconnect), its catch-up is what the user missed, shown as live; and an event of it
   * seen before is dropped before it gets here, so a count would take live events for history.
   */
  synchronized void entered(String room, String topic, long history) {
    String key = skeleton(room);
    Room entered = new Room(room);
    entered.topic = topic;
    entered.historyLeft = rooms.containsKey(key) ? 0 : history;
    rooms.put(key, entered);
    if (switchOnEnter.remove(key) || current == null) {
      current = key;
    }
  }

  /** Makes {@code room} current; false when we are not in it. */
  synchronized boolean switchTo(String room) {
    String key = skeleton(room);
    if (!rooms.containsKey(key)) {
      return false;
    }
    current = key;
    return true;
  }

  /**
   * We left {@code room}; when it was current, the room entered last before it becomes current
   * (or none). Returns the new current room when it changed.
   */
  synchronized Optional<String> left(String room) {
    String key = skeleton(room);
    switchOnEnter.remove(key);
    if (rooms.remove(key) == null || !key.equals(current)) {
      return Optional.empty();
    }
    current = rooms.isEmpty() ? null : new ArrayList<>(rooms.keySet()).getLast();
    return current();
  }

  /** We are in no room any more (the session ended). */
  synchronized void clear() {
    rooms.clear();
    switchOnEnter.clear();
    current = null;
  }

  /**
   * Counts one event of {@code room}: true when it is history (one of the {@code history}
   * events announced by the room's ENTERED), false when it is live.
   */
  synchronized boolean takeHistory(String room) {
    Room r = rooms.get(skeleton(room));
    if (r == null || r.historyLeft == 0) {
      return false;
    }
    r.historyLeft--;
    return true;
  }

  /** How many history events of {@code room} are still to come. */
  synchronized long historyLeft(String room) {
    Room r = rooms.get(skeleton(room));
    return r == null ? 0 : r.historyLeft;
  }

  /** The topic of {@code room}, empty for none or when we are not in it. */
  synchronized String topic(String room) {
    Room r = rooms.get(skeleton(room));
    return r == null ? "" : r.topic;
  }

  /** {@code room}'s topic changed. */
  synchronized void topic(String room, String topic) {
    Room r = rooms.get(skeleton(room));
    if (r != null) {
      r.topic = topic;
    }
  }

  /** {@code name} is in {@code room}. */
  synchronized void arrived(String room, String name) {
    Room r = rooms.get(skeleton(room));
    if (r != null && r.members.size() < MAX_MEMBERS) {
      r.members.add(name);
    }
  }

  /** {@code name} left {@code room}. */
  synchronized void departed(String room, String name) {
    Room r = rooms.get(skeleton(room));
    if (r != null) {
      r.members.remove(name);
    }
  }

  /** {@code room}'s members are {@code names} (a whole ROSTER). */
  synchronized void members(String room, List<String> names) {
    Room r = rooms.get(skeleton(room));
    if (r != null) {
      r.members.clear();
      names.stream().limit(MAX_MEMBERS).forEach(r.members::add);
    }
  }

  /** A roster said {@code name} is away with {@code text} (empty: not away). */
  synchronized void away(String name, String text) {
    if (text.isEmpty()) {
      away.remove(Names.skeleton(name));
    } else if (away.size() < MAX_MEMBERS || away.containsKey(Names.skeleton(name))) {
      away.put(Names.skeleton(name), text);
    }
  }

  /** {@code name}'s away text as the last roster with it said; empty when not away. */
  synchronized Optional<String> awayOf(String name) {
    return Optional.ofNullable(away.get(Names.skeleton(name)));
  }

  /** {@code from} is now called {@code to}, in every room. */
  synchronized void renamed(String from, String to) {
    for (Room r : rooms.values()) {
      if (r.members.remove(from)) {
        r.members.add(to);
      }
    }
    String text = away.remove(Names.skeleton(from));
    if (text != null) {
      away.put(Names.skeleton(to), text);
    }
  }

  /** True when {@code name} is in one of our rooms. */
  synchronized boolean isPresent(String name) {
    return rooms.values().stream().anyMatch(r -> r.members.contains(name));
  }

  /** Everyone in any of our rooms, for completion. */
  synchronized List<String> names() {
    Set<String> all = new TreeSet<>(BY_SKELETON);
    rooms.values().forEach(r -> all.addAll(r.members));
    return List.copyOf(all);
  }

  /** The rooms of the last {@code /rooms} answer. */
  synchronized void listed(List<String> names) {
    listed.clear();
    names.stream().limit(MAX_LISTED).forEach(listed::add);
  }

  /** Room names for completion: ours, then the others listed. */
  synchronized List<String> roomNames() {
    Set<String> seen = new TreeSet<>();
    List<String> out = new ArrayList<>();
    for (String name : joined()) {
      if (seen.add(skeleton(name))) {
        out.add(name);
      }
    }
    for (String name : listed) {
      if (seen.add(skeleton(name))) {
        out.add(name);
      }
    }
    return out;
  }
}
