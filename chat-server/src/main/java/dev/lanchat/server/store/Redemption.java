package dev.lanchat.server.store;

import java.util.Optional;

/**
 * What the store made of one join-code attempt ({@link Store#redeemMatch}, {@link
 * Store#redeemFailure}). Only {@link Matched} lets the newcomer in; the client is told nothing
 * but "did not match" in every other case.
 */
public sealed interface Redemption {
  /**
   * The code matched a live invite: one use was taken and the key is on the allowlist.
   *
   * @param entry the allowlist entry now (its name is the invite's, unless that name had meanwhile
   *     gone to another key, in which case the key is allowed without a name)
   * @param invitedName the name the invite carried, if any
   * @param usesLeft joins the invite still allows
   */
  record Matched(AllowEntry entry, Optional<String> invitedName, int usesLeft)
      implements Redemption {}

  /**
   * The code did not match: one failure was counted.
   *
   * @param triesLeft failures the invite can still take; 0 means this one burned it
   */
  record Failed(int triesLeft) implements Redemption {}

  /** The invite had expired. */
  record Expired() implements Redemption {}

  /** The admin revoked the invite. */
  record Revoked() implements Redemption {}

  /** The invite had no uses left. */
  record UsedUp() implements Redemption {}

  /** Three failed tries had burned the invite. */
  record Burned() implements Redemption {}

  /** No invite has this code (never made, or its number went to a newer invite). */
  record Unknown() implements Redemption {}
}
