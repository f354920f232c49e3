package dev.lanchat.server.store;

import java.util.Optional;

/** What {@link History#append} did with an event. */
public sealed interface AppendResult {
  /**
   * The event has its id and is written (or, with {@code --history 0}, only its id is): fan
   * {@code event.encoded()} out now.
   */
  record Appended(StoredEvent event) implements AppendResult {}

  /**
   * The sender's client sent this message id before: the event was not written again and must
   * not be fanned out again (confirm it to the sender as taken).
   *
   * @param original where the first one went, when it was a room event
   */
  record Repeat(Optional<EventRef> original) implements AppendResult {}
}
