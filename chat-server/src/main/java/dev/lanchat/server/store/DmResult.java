package dev.lanchat.server.store;

/** What {@link OfflineDms#deliverLater} did with a DM for someone who is away. */
public sealed interface DmResult {
  /**
   * Kept: it goes to the recipient when their key comes back.
   *
   * @param waiting DMs now waiting for that recipient, this one included
   */
  record Kept(int waiting) implements DmResult {}

  /** The recipient already has {@link OfflineDms#MAX_PER_RECIPIENT} DMs waiting: not kept. */
  record Full() implements DmResult {}

  /** The server keeps no message text ({@code --history 0}): not kept. */
  record NotKept() implements DmResult {}

  /** The sender's client sent this message id before: dropped as a repeat. */
  record Repeat() implements DmResult {}
}
