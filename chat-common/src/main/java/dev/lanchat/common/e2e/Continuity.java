package dev.lanchat.common.e2e;

/**
 * Where a message stands in its sender's sequence, as the per-sender counter shows it. A
 * message at or below the last one accepted is never delivered (it is a replay or a
 * reordering); see {@link Counters}.
 */
public sealed interface Continuity {
  /** The next counter: nothing was left out. */
  record InOrder() implements Continuity {}

  /**
   * Counters between the last accepted one and this one never came: the server dropped or held
   * back {@code missing} messages. The message is delivered with a warning.
   *
   * @param missing how many messages are missing before this one
   */
  record Skipped(long missing) implements Continuity {}
}
