package dev.lanchat.server.store;

/** What {@link Store#allow} did. */
public sealed interface AllowResult {
  /** The key was not on the allowlist and now is. */
  record Added(AllowEntry entry) implements AllowResult {}

  /** The key was on the allowlist already; the entry now reads as given. */
  record Updated(AllowEntry entry) implements AllowResult {}

  /**
   * The name asked for belongs to another key (bound, or kept for another allowed key); nothing
   * was changed.
   *
   * @param ownerFingerprint the other key's fingerprint ({@code SHA256:…})
   */
  record NameTaken(String ownerFingerprint) implements AllowResult {}
}
