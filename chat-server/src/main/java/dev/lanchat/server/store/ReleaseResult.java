package dev.lanchat.server.store;

/** What {@link Store#release} did. */
public sealed interface ReleaseResult {
  /** The binding was removed: the name is free for any key. */
  record Released(NameBinding binding) implements ReleaseResult {}

  /** No key held that name. */
  record NotBound() implements ReleaseResult {}
}
