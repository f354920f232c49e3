package dev.lanchat.server.store;

/** What {@link Store#check} found for a name and a key, before anything is bound. */
public sealed interface NameCheck {
  /**
   * Another key owns the name: bound to it, or kept for it on the allowlist.
   *
   * @param ownerFingerprint the other key's fingerprint ({@code SHA256:…})
   */
  record BoundToOther(String ownerFingerprint) implements NameCheck {}

  /** The name is free, or the key's own; {@link Store#bind} has something to write. */
  record Yours() implements NameCheck {}

  /**
   * The name is bound to the key already and its last-seen time is less than a minute old:
   * {@link Store#bind} would write nothing, so it need not be called.
   */
  record Recorded() implements NameCheck {}
}
