package dev.lanchat.common.message;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.RoomEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Room events as the room chain hashes them (protocol "Room chain"), built from exactly the bytes
 * {@link MessageCodec} puts on the wire, so client and server compute the same heads. It lives
 * beside the codec and the messages rather than in them, so that neither depends back on the
 * other.
 */
public final class ChainEvents {
  private ChainEvents() {}

  /** {@code event} as the room chain hashes it: its envelope, type and encoded payload. */
  public static RoomEvent of(ServerMessage.Event event) {
    return event.event().chainEvent(event.type(), MessageCodec.payload(event));
  }

  /** The canonical bytes of {@code event} (protocol "Room chain"). */
  public static byte[] canonical(ServerMessage.Event event) {
    return of(event).canonical();
  }

  /**
   * The changes of {@code changed} as the room chain sees them, in order: JOINED or LEFT events
   * with its room and time, ids from its first id, sender the member's key.
   */
  public static List<RoomEvent> of(ServerMessage.MembersChanged changed) {
    List<MemberChange> changes = changed.changes();
    List<RoomEvent> events = new ArrayList<>(changes.size());
    for (int i = 0; i < changes.size(); i++) {
      MemberChange change = changes.get(i);
      int type = change instanceof MemberChange.Joined
          ? ServerMessage.Joined.TYPE : ServerMessage.Left.TYPE;
      events.add(new RoomEvent(change.key(), changed.room(), changed.firstId() + i,
          changed.time(), type, ByteString.copyOf(MessageCodec.changePayload(change))));
    }
    return events;
  }
}
