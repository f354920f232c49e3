package dev.lanchat.client;

import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gathers a ROSTER sent over several records ({@code more} on all but the last) into one
 * roster per room, and remembers which roster is the one that comes with ENTERED rather than
 * the answer to a {@code /who}. Keeps at most {@link #MAX_ENTRIES} entries of one roster (the
 * rest are counted), so a server cannot grow it without bound.
 *
 * <p>Not thread-safe: {@link RoomView} calls it under its own lock.
 */
final class RosterPages {
  /** Most roster entries gathered over the pages of one ROSTER. */
  static final int MAX_ENTRIES = 10_000;

  /**
   * A whole roster: its first {@code entries}, the {@code total} count of members, and whether
   * it came with ENTERED ({@code entering}).
   */
  record Whole(List<RosterEntry> entries, long total, boolean entering) {}

  /** A roster being gathered over its pages. */
  private static final class Pages {
    final List<RosterEntry> entries = new ArrayList<>();
    long total;
  }

  private final Map<String, Pages> rosters = new HashMap<>();
  /** Rooms (by skeleton) whose next ROSTER is the one that comes with ENTERED. */
  private final Set<String> entering = new HashSet<>();

  /** {@code room} was entered: its next roster starts afresh and belongs to the entering. */
  void entered(String room) {
    String key = JoinedRooms.skeleton(room);
    rosters.remove(key);
    entering.add(key);
  }

  /** Adds one ROSTER record; the whole roster once its last page is in. */
  Optional<Whole> add(ServerMessage.Roster m) {
    String key = JoinedRooms.skeleton(m.room());
    Pages pages = rosters.computeIfAbsent(key, k -> new Pages());
    for (RosterEntry entry : m.entries()) {
      if (pages.entries.size() < MAX_ENTRIES) {
        pages.entries.add(entry);
      }
      pages.total++;
    }
    if (m.more()) {
      return Optional.empty();
    }
    rosters.remove(key);
    return Optional.of(new Whole(List.copyOf(pages.entries), pages.total, entering.remove(key)));
  }
}
