package dev.lanchat.server.store;

/** What {@link Store#rename} did. */
public sealed interface RenameResult {
  /**
   * The key's binding moved to the new name, in one transaction: the old name is free.
   *
   * @param oldName the name the key held before, as spelled
   * @param binding the binding now
   */
  record Renamed(String oldName, NameBinding binding) implements RenameResult {}

  /** The key holds no name, so there is nothing to move. */
  record NotBound() implements RenameResult {}

  /**
   * The new name belongs to another key (bound, or kept for it on the allowlist).
   *
   * @param ownerFingerprint the other key's fingerprint ({@code SHA256:…})
   */
  record BoundToOther(String ownerFingerprint) implements RenameResult {}
}
