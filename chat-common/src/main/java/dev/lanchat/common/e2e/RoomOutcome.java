package dev.lanchat.common.e2e;

import dev.lanchat.common.bytes.ByteString;

/** What {@link E2eRoom#open} made of one end-to-end room message. */
public sealed interface RoomOutcome {
  /**
   * The message opened and its signature verified. The text is not checked yet: the caller
   * applies the text rules and terminal safety to it as to any text from the network. Show a
   * {@link Continuity.Skipped} as a warning naming the sender and the room.
   *
   * @param sender the sender's identity
   * @param text the decrypted text, UTF-8 bytes
   * @param counter its counter in the sender's chain
   * @param continuity whether messages from this sender went missing before it
   */
  record Read(ByteString sender, byte[] text, long counter, Continuity continuity)
      implements RoomOutcome {}

  /**
   * The message cannot be read. Warn, naming the sender and the room.
   *
   * @param sender who the server says sent it
   * @param reason why
   */
  record Refused(ByteString sender, Reason reason) implements RoomOutcome {}

  /** Why a room message cannot be read. */
  enum Reason {
    /** The server says it comes from someone who is not a member we accept. */
    NOT_A_MEMBER,
    /**
     * We hold no key of that sender's epoch: sent before we joined, after we were removed, or
     * its sender key never reached us.
     */
    NO_KEY,
    /** The signature does not verify under the sender's pinned identity. */
    BAD_SIGNATURE,
    /** The signature verifies but the ciphertext does not open: a broken sender. */
    DOES_NOT_OPEN,
    /**
     * Sent under a chain we were handed at a later counter: before we joined. The client says
     * plainly that it cannot read what was said before it joined.
     */
    BEFORE_JOINED,
    /** Its counter is at or below one already read from that chain. */
    REPLAYED_OR_REORDERED,
    /** Its counter is more than {@link E2eRoom#MAX_SKIP} ahead: too many keys to skip. */
    TOO_FAR_AHEAD
  }
}
