package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHash;
import dev.lanchat.common.chain.RoomEvent;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.ServerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One room's event ids and chain heads, kept in memory (protocol "Event envelope", "Room
 * chain"): each event gets the next id and the head after it, computed from the very bytes it is
 * sent with, so clients can check the chain.
 *
 * <p>Not thread-safe: the room's lock guards it.
 */
final class EventStamps {
  private final String room;
  private long lastId;
  private ByteString head;

  EventStamps(String room) {
    this.room = room;
    this.head = ChainHash.genesis(room).head();
  }

  /**
   * The next event, built by {@code build} from its envelope: the next id, {@code time}, {@code
   * sender}, and the head after it.
   */
  <E extends ServerMessage.Event> E next(long time, ByteString sender,
      Function<EventHeader, E> build) {
    // the canonical bytes leave the head out, so a draft with the old head hashes the same
    E draft = build.apply(new EventHeader(room, lastId + 1, head, time, sender));
    head = ChainHash.next(head, draft.chainEvent());
    lastId++;
    return build.apply(new EventHeader(room, lastId, head, time, sender));
  }

  /**
   * Stamps coalesced membership changes: they take the next ids in order.
   *
   * @param events the changes as the chain sees them, built from the id each is given
   * @return the first id and the head after each change
   */
  Run run(List<Function<Long, RoomEvent>> events) {
    long first = lastId + 1;
    List<ByteString> heads = new ArrayList<>(events.size());
    for (Function<Long, RoomEvent> event : events) {
      head = ChainHash.next(head, event.apply(lastId + 1));
      lastId++;
      heads.add(head);
    }
    return new Run(first, List.copyOf(heads));
  }

  /** The room's name. */
  String room() {
    return room;
  }

  /** Ids and heads of a run of membership changes: change i has id {@code first + i}. */
  record Run(long first, List<ByteString> heads) {}
}
