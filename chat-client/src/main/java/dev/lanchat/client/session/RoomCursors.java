package dev.lanchat.client.session;

import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.RoomNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rooms a conversation is in and the last event id seen in each, across connections: it
 * lets through each room event once (by room and id: a catch-up that overlaps what was shown,
 * or a late event of a lost connection, is dropped), and says which ENTERs take a new session
 * back into every room, each from the last event seen there.
 *
 * <p>Event ids of a room have no holes and arrive in order, so "seen" is one number a room. It
 * remembers at most {@link #MAX_ROOMS} rooms (a server cannot make it grow without end).
 * Thread-safe: a session's reader thread filters while the input thread notes PARTs.
 */
public final class RoomCursors {
  /** More rooms than any server lets one client be in (max_rooms is a u16). */
  static final int MAX_ROOMS = 65_536;

  /** Room skeleton → last event id seen. */
  private final Map<String, Long> seen = new HashMap<>();
  /** Room skeleton → the room's name as the server spells it, for the rooms we are in. */
  private final Map<String, String> in = new LinkedHashMap<>();
  private boolean entered;

  /**
   * {@code message} if it has not been shown before; a MEMBERS_CHANGED that was partly seen is
   * cut to the changes not seen yet. Empty when all of it was seen.
   */
  synchronized Optional<ServerMessage> fresh(ServerMessage message) {
    return switch (message) {
      case ServerMessage.Event event -> advance(event.event().room(), event.event().id())
          ? Optional.of(message) : Optional.empty();
      case ServerMessage.MembersChanged changed -> unseenPart(changed);
      case ServerMessage.Entered enteredRoom -> {
        entered = true;
        if (in.size() < MAX_ROOMS) {
          in.put(RoomNames.skeleton(enteredRoom.room()), enteredRoom.room());
        }
        yield Optional.of(message);
      }
      default -> Optional.of(message);
    };
  }

  /** We asked to leave {@code room}: a reconnect does not take us back in. */
  synchronized void parted(String room) {
    if (RoomNames.isValid(room)) {
      in.remove(RoomNames.skeleton(room));
    }
  }

  /** The rooms entered (by ENTERED) and not parted since, in the order entered. */
  synchronized List<String> entered() {
    return List.copyOf(in.values());
  }

  /**
   * The ENTERs that take a new session back into each of {@code joined} (the rooms we are
   * in), each from the last event seen there; {@code opening} when no room was ever entered
   * (the first ENTER was lost).
   */
  synchronized List<ClientMessage> reentries(List<ClientMessage> opening, List<String> joined) {
    if (!entered) {
      return List.copyOf(opening);
    }
    List<ClientMessage> out = new ArrayList<>();
    for (String room : joined) {
      if (RoomNames.isValid(room)) {
        out.add(new ClientMessage.Enter(room, seen.getOrDefault(RoomNames.skeleton(room), 0L)));
      }
    }
    return out;
  }

  /** The last event id seen in {@code room}; 0 when none. */
  synchronized long lastSeen(String room) {
    return seen.getOrDefault(RoomNames.skeleton(room), 0L);
  }

  private Optional<ServerMessage> unseenPart(ServerMessage.MembersChanged changed) {
    long last = seen.getOrDefault(RoomNames.skeleton(changed.room()), 0L);
    if (!advance(changed.room(), changed.lastId())) {
      return Optional.empty();
    }
    if (changed.firstId() > last) {
      return Optional.of(changed);
    }
    int skip = (int) (last - changed.firstId() + 1);
    return Optional.of(new ServerMessage.MembersChanged(changed.room(), last + 1,
        changed.head(), changed.time(), changed.changes().subList(skip,
            changed.changes().size())));
  }

  /** Notes the ids of {@code room} up to {@code last} as seen; false when all were seen before. */
  private boolean advance(String room, long last) {
    String skeleton = RoomNames.skeleton(room);
    Long before = seen.get(skeleton);
    if (before != null && last <= before) {
      return false;
    }
    if (before != null || seen.size() < MAX_ROOMS) {
      seen.put(skeleton, last);
    }
    return true;
  }
}
