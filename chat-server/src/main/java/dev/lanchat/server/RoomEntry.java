package dev.lanchat.server;

import dev.lanchat.server.store.CatchUp;
import dev.lanchat.server.store.RoomLog;
import dev.lanchat.server.store.StoreException;
import dev.lanchat.server.store.StoredEvent;
import java.util.List;

/**
 * What a member entering a room is shown as history (protocol "ENTERED"): the last 20 events
 * when it is new here ({@code since} 0), else every event after the last one it saw, at most the
 * newest 1,000, and how many between were left out.
 */
final class RoomEntry {
  /** The history of one ENTER and its {@code skipped} count. */
  record Replay(List<StoredEvent> events, long skipped) {
    Replay {
      events = List.copyOf(events);
    }
  }

  private final RoomLog history;

  RoomEntry(RoomLog history) {
    this.history = history;
  }

  /**
   * The history for a member entering {@code room} that last saw event {@code since}.
   * {@code skipped} is {@code first_history_id - since - 1} when {@code since > 0} and there is
   * history, else 0. A {@code since} beyond the room's last event (the store was replaced since)
   * gets the context a new member gets.
   *
   * @throws StoreException if the store cannot be read
   */
  Replay replay(String room, long since) throws StoreException {
    if (since <= 0) { // 0: new here; below 0: a u64 past any id this store ever gave
      return new Replay(history.recent(room), 0);
    }
    return switch (history.after(room, since)) {
      case CatchUp.Events e -> new Replay(e.events(),
          e.events().isEmpty() ? 0 : e.events().getFirst().eventId() - since - 1);
      case CatchUp.AheadOfStore a -> new Replay(history.recent(room), 0);
    };
  }
}
