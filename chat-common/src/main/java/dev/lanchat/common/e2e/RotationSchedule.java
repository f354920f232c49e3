package dev.lanchat.common.e2e;

import java.time.Duration;
import java.util.Objects;

/**
 * When a client makes a new end-to-end key and how long it keeps the old ones. A new key every
 * {@code rotateEvery}; each key is published with {@code not_after = created + lifetime}, after
 * which nobody seals to it; its private half is kept {@code keepAfter} longer, for sealed DMs
 * still waiting on the server (offline DMs), then wiped. Wiping is what gives forward secrecy:
 * a key taken from the client later opens nothing sealed to a wiped key.
 *
 * @param rotateEvery how often a new key is made
 * @param lifetime how long after its creation a key may be sealed to
 * @param keepAfter how long after {@code not_after} its private half is kept
 */
public record RotationSchedule(Duration rotateEvery, Duration lifetime, Duration keepAfter) {
  /** A new key a week, each sealed to for two weeks and kept a week after: three at most. */
  public static final RotationSchedule DEFAULT =
      new RotationSchedule(Duration.ofDays(7), Duration.ofDays(14), Duration.ofDays(7));

  /**
   * Checks that the durations are positive and that a key outlives the next rotation, so there
   * is never a moment without a key to seal to.
   *
   * @throws IllegalArgumentException otherwise
   */
  public RotationSchedule {
    Objects.requireNonNull(rotateEvery, "rotateEvery");
    Objects.requireNonNull(lifetime, "lifetime");
    Objects.requireNonNull(keepAfter, "keepAfter");
    if (rotateEvery.isNegative() || rotateEvery.isZero() || keepAfter.isNegative()
        || lifetime.compareTo(rotateEvery) <= 0) {
      throw new IllegalArgumentException(
          "rotateEvery and keepAfter are positive and lifetime is longer than rotateEvery");
    }
  }
}
