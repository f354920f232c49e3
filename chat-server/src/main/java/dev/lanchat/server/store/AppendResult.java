package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;
import java.util.Objects;
import java.util.Optional;

/** What {@link History#append} did with an event. */
public sealed interface AppendResult {
  /**
   * The event has its id and head and is written (or, with {@code --history 0}, only its id and
   * head are): fan {@code event.encoded()} out now.
   *
   * @param head the room's chain head after this event
   */
  record Appended(StoredEvent event, ByteString head) implements AppendResult {
    public Appended {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(head, "head");
    }
  }

  /**
   * The sender's client sent this message id before: the event was not written again and must
   * not be fanned out again.
   *
   * @param original where the first one went, when it was a room event
   */
  record Repeat(Optional<EventRef> original) implements AppendResult {}
}
