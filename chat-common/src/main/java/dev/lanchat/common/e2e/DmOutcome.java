package dev.lanchat.common.e2e;

import dev.lanchat.common.bytes.ByteString;

/** What {@link DmSealer#open} made of one sealed DM. */
public sealed interface DmOutcome {
  /**
   * The DM opened, its signature verified under the sender's pinned identity, and its counter
   * is new. Show a {@link Continuity.Skipped} as a warning with the message.
   *
   * @param sender the sender's identity
   * @param kind what the content is
   * @param content the content (a copy; for a sender key, the caller wipes it)
   * @param counter the sender's counter for this DM
   * @param continuity whether DMs from this sender went missing before it
   */
  record Opened(ByteString sender, DmContent kind, byte[] content, long counter,
      Continuity continuity) implements DmOutcome {}

  /**
   * The DM was not delivered. Every reason but {@link Reason#KEY_GONE} means the server (or
   * someone before it) changed, replayed or misaddressed it: warn, naming the sender.
   *
   * @param sender the identity the server said it came from
   * @param reason why
   */
  record Refused(ByteString sender, Reason reason) implements DmOutcome {}

  /** Why a sealed DM was refused. */
  enum Reason {
    /** Sealed to a key serial we no longer (or never) held: too old, or not ours. */
    KEY_GONE,
    /** HPKE did not open it: changed bytes, another sender or recipient than the server says. */
    DOES_NOT_OPEN,
    /** The body inside does not parse. */
    MALFORMED,
    /** The sender's signature does not verify under the identity pinned for them. */
    BAD_SIGNATURE,
    /** Its counter is at or below one already accepted from this sender. */
    REPLAYED_OR_REORDERED
  }
}
