package dev.lanchat.server.store;

import java.util.List;
import java.util.Optional;

/**
 * What a room needs of its stored history: appending events (which gives them their ids and
 * chain heads), and reading the context and catch-up a member entering it gets. {@link History}
 * is the store's; a room tested in memory gets one that keeps everything in a list.
 *
 * <p>Implementations are thread-safe; each method is atomic.
 */
public interface RoomLog {
  /**
   * Gives the event the room's next id and head, encodes it and keeps it; or drops it when its
   * client message id was taken before (see {@link History#append}).
   *
   * @throws StoreException if it cannot be kept (the event has no id: send nothing)
   */
  AppendResult append(RoomEventDraft draft, EventEncoder encoder) throws StoreException;

  /**
   * As {@link #append}, also keeping {@code topic} as the room's topic.
   *
   * @throws StoreException if it cannot be kept (nothing changed)
   */
  AppendResult appendTopic(RoomEventDraft draft, EventEncoder encoder, String topic)
      throws StoreException;

  /**
   * As {@link #append} for each draft in turn, in one atomic step (see {@link
   * History#appendEach}): one result per draft, in order.
   *
   * @throws StoreException if they cannot be kept (none has an id)
   */
  List<AppendResult> appendEach(List<RoomEventDraft> drafts, List<EventEncoder> encoders)
      throws StoreException;

  /**
   * Appends events of one room together, with consecutive ids (see {@link History#appendAll}).
   *
   * @throws StoreException if they cannot be kept (none has an id)
   */
  List<AppendResult.Appended> appendAll(List<RoomEventDraft> drafts, List<EventEncoder> encoders)
      throws StoreException;

  /**
   * The last {@link History#CONTEXT_EVENTS} events of the room named {@code room}, oldest first.
   *
   * @throws StoreException if they cannot be read
   */
  List<StoredEvent> recent(String room) throws StoreException;

  /**
   * The events after {@code lastSeen}, at most {@link History#CATCH_UP_LIMIT} (the newest).
   *
   * @throws StoreException if they cannot be read
   */
  CatchUp after(String room, long lastSeen) throws StoreException;

  /**
   * What is kept of the room named {@code room} (its first spelling, last id, head, topic).
   *
   * @throws StoreException if it cannot be read
   */
  Optional<StoredRoom> room(String room) throws StoreException;

  /**
   * Records the room named {@code room} as end-to-end, for good, unless the store keeps it
   * already: a room is made end-to-end only when it is new, and its flag never changes.
   *
   * @return what the store keeps of the room now (end-to-end, or plain as it was before)
   * @throws StoreException if it cannot be written (the room is not made)
   */
  StoredRoom createEndToEnd(String room) throws StoreException;
}
