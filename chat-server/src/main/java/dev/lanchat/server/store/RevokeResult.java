package dev.lanchat.server.store;

/** What {@link Store#revokeInvite} did. */
public sealed interface RevokeResult {
  /** The invite was live and now is not. */
  record Revoked(Invite invite) implements RevokeResult {}

  /** No live invite has that number (or that code); nothing was changed. */
  record NotLive() implements RevokeResult {}
}
