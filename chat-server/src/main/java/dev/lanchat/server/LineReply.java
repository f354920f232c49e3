package dev.lanchat.server;

import java.util.Optional;

/**
 * How a member's line (SAY, ME, E2E_SAY) is answered once its room has stored it or turned it
 * down. The sender's reader does not wait for that: it hands the line over and reads on (see
 * {@link PendingLines}), and whichever thread stores the line calls this, under the room's lock,
 * right after the line's event went to the members. So it must not block.
 */
interface LineReply {
  /** The encoded message the sender gets for {@code result} (an ERROR), if it gets one. */
  Optional<byte[]> errorFor(RoomResult result);

  /** Called last, once: the line is answered and its error, if any, is queued. */
  void settled();
}
