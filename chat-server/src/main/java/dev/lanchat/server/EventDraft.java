package dev.lanchat.server;

import dev.lanchat.common.message.ChainEvents;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHead;
import dev.lanchat.common.chain.RoomEvent;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.server.store.EventEncoder;
import dev.lanchat.server.store.RoomEventDraft;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * One room event before the store has given it its id and head: the draft the store hashes
 * into the room chain, and the encoder that makes the message once both are known.
 *
 * <p>The payload the chain hashes is taken from the very message type the members get (built
 * once with a stand-in envelope: the canonical bytes leave id and head to the store, and the
 * payload does not depend on them), so the stored head and the sent bytes cannot disagree.
 *
 * @param draft what the store needs to number, chain and keep the event
 * @param encoder the event's message with its final id and head
 */
record EventDraft(RoomEventDraft draft, EventEncoder encoder) {
  private static final ByteString NO_HEAD = ByteString.copyOf(new byte[ChainHead.SIZE]);

  /**
   * The event of room {@code room} at {@code time}, from or about {@code sender}, that {@code
   * build} makes from its envelope; {@code clientId} is the sender's client message id, if the
   * event carries one (SAY, ME).
   */
  static EventDraft of(String room, long time, ByteString sender, OptionalLong clientId,
      Function<EventHeader, ServerMessage.Event> build) {
    ServerMessage.Event sample = build.apply(new EventHeader(room, 1, NO_HEAD, time, sender));
    RoomEvent chained = ChainEvents.of(sample);
    RoomEventDraft draft = new RoomEventDraft(room, time, sample.type(), Optional.of(sender),
        chained.payload(), clientId);
    EventEncoder encoder = (id, head) ->
        MessageCodec.encode(build.apply(new EventHeader(room, id, head, time, sender)));
    return new EventDraft(draft, encoder);
  }

  /** The payload's size in bytes: what a room budget charges for the event. */
  int payloadSize() {
    return draft.payload().size();
  }
}
