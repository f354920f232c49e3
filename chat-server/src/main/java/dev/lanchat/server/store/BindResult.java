package dev.lanchat.server.store;

/** What {@link Store#bind} did with a name and a key. */
public sealed interface BindResult {
  /** The name was free: it is now bound to the key. */
  record Bound(NameBinding binding) implements BindResult {}

  /** The name was already bound to this very key; its last-seen time was brought up to date. */
  record AlreadyYours(NameBinding binding) implements BindResult {}

  /**
   * The name belongs to another key: bound to it, or kept for it on the allowlist.
   *
   * @param ownerFingerprint the other key's fingerprint ({@code SHA256:…})
   */
  record BoundToOther(String ownerFingerprint) implements BindResult {}

  /**
   * The key already holds another name; a key holds one name, and moves it with {@link
   * Store#rename}.
   *
   * @param currentName the name the key holds, as spelled
   */
  record KeyHasOtherName(String currentName) implements BindResult {}
}
