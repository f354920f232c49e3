package dev.lanchat.server.store;

/** Whether a client message id was new ({@link OfflineDms#claim}). */
public sealed interface Claim {
  /** First time: it is recorded now, so the next one with this id is a repeat. */
  record Fresh() implements Claim {}

  /** Taken before: drop it (and confirm it to the sender as taken). */
  record Repeat() implements Claim {}
}
