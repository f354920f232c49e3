package dev.lanchat.server.store;

/** What {@link E2eKeys#publish} did with a client's end-to-end key. */
public sealed interface PublishResult {
  /** Kept: it is the owner's newest key now. */
  record Stored() implements PublishResult {}

  /** The very key was kept already (a client publishing again after a reconnect). */
  record Unchanged() implements PublishResult {}

  /**
   * Refused: the owner published a key with a higher serial before.
   *
   * @param held the serial of the key kept
   */
  record Older(long held) implements PublishResult {}

  /** Refused: the owner published other bytes under the same serial before. */
  record Conflict() implements PublishResult {}
}
