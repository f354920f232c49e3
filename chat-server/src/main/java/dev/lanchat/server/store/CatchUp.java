package dev.lanchat.server.store;

import java.util.List;

/** What a returning member gets from {@link History#after}. */
public sealed interface CatchUp {
  /**
   * The events after the one the member saw, oldest first.
   *
   * @param events at most {@link History#CATCH_UP_LIMIT} events, the newest ones
   * @param leftOut how many events came after the one the member saw and before the first of
   *     {@code events}: over the limit, or no longer kept
   */
  record Events(List<StoredEvent> events, long leftOut) implements CatchUp {
    public Events {
      events = List.copyOf(events);
    }
  }

  /**
   * The member says it saw an event this room never had: the store was replaced or reset since.
   *
   * @param lastEventId the room's last event id here
   */
  record AheadOfStore(long lastEventId) implements CatchUp {}
}
