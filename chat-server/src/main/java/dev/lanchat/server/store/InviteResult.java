package dev.lanchat.server.store;

/** What {@link Store#createInvite} did. */
public sealed interface InviteResult {
  /** The invite is live from now on; its code is for the admin to read out. */
  record Created(Invite invite) implements InviteResult {}

  /** All 100 invite numbers hold live invites; nothing was made. */
  record NoFreeNumber() implements InviteResult {}

  /**
   * The name asked for belongs to another key (bound, or kept for another allowed key).
   *
   * @param ownerFingerprint the other key's fingerprint ({@code SHA256:…})
   */
  record NameTaken(String ownerFingerprint) implements InviteResult {}
}
