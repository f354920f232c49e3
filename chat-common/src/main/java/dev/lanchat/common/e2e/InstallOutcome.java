package dev.lanchat.common.e2e;

import dev.lanchat.common.bytes.ByteString;

/** What {@link E2eRoom#install} made of a sender key that arrived in a sealed DM. */
public sealed interface InstallOutcome {
  /**
   * The sender's chain is installed: its messages of {@code epoch} from {@code counter} on can
   * be read.
   *
   * @param sender the member whose chain it is
   * @param epoch the chain's epoch
   * @param counter the first counter it reads
   */
  record Installed(ByteString sender, long epoch, long counter) implements InstallOutcome {}

  /**
   * The sender key was not installed.
   *
   * @param sender who sent it
   * @param reason why
   */
  record Refused(ByteString sender, Reason reason) implements InstallOutcome {}

  /** Why a sender key was not installed. */
  enum Reason {
    /** The DM was not a sender key. */
    NOT_A_SENDER_KEY,
    /** Its sender is not a member we accept in this room. */
    NOT_A_MEMBER,
    /** It names another room. */
    OTHER_ROOM,
    /** It does not parse. */
    MALFORMED,
    /** We already hold that epoch of that sender, or a newer one: nothing is ever rewound. */
    STALE
  }
}
