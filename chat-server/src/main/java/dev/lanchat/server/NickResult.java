package dev.lanchat.server;

/** The outcome of {@link Lobby#rename}: the caller tells the client what went wrong. */
sealed interface NickResult {
  /** The member is now called by the new name; {@code old} is the name it had. */
  record Renamed(String old) implements NickResult {}

  /** The new name breaks the name rules; {@code problem} says how, as a sentence part. */
  record NameInvalid(String problem) implements NickResult {}

  /** A connected client holds a name with the same skeleton, spelled {@code holder}. */
  record NameTaken(String holder) implements NickResult {}

  /** The new name belongs to another key (protocol §5.6). */
  record NameBound() implements NickResult {}

  /** The store cannot be read or written now: nothing changed. */
  record Unavailable() implements NickResult {}
}
