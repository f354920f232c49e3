package dev.lanchat.server.store;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How much history the server keeps ({@code --history N}, {@code --history-days D}): at most
 * {@code eventsPerRoom} events of each room, none older than {@code maxAge} when one is set.
 * With {@code eventsPerRoom} 0 no message text reaches the store at all: events get ids but are
 * not stored, and DMs to people who are away are refused rather than kept.
 *
 * <p>Offline DMs and the record of client messages already taken expire with {@code maxAge}
 * too; each also has a cap of its own ({@link OfflineDms#MAX_PER_RECIPIENT}, {@link
 * History#SENT_PER_KEY}).
 *
 * @param eventsPerRoom events kept per room, 0 to {@link #MAX_EVENTS}
 * @param maxAge the oldest an event or a waiting DM may be, if limited; positive
 */
public record Retention(int eventsPerRoom, Optional<Duration> maxAge) {
  /** The default of {@code --history}: 10,000 events per room. */
  public static final int DEFAULT_EVENTS = 10_000;

  /** The largest {@code --history}: a million events per room. */
  public static final int MAX_EVENTS = 1_000_000;

  public Retention {
    Objects.requireNonNull(maxAge, "maxAge");
    if (eventsPerRoom < 0 || eventsPerRoom > MAX_EVENTS) {
      throw new IllegalArgumentException(
          "--history is 0 to " + MAX_EVENTS + " events per room, not " + eventsPerRoom);
    }
    if (maxAge.isPresent() && (maxAge.get().isNegative() || maxAge.get().isZero())) {
      throw new IllegalArgumentException("a maximum age must be positive");
    }
  }

  /** 10,000 events per room, however old. */
  public static Retention defaults() {
    return new Retention(DEFAULT_EVENTS, Optional.empty());
  }

  /**
   * From the options: {@code events} per room and at most {@code days} days old, where 0 days
   * means no age limit.
   *
   * @throws IllegalArgumentException if either is out of range
   */
  public static Retention of(int events, int days) {
    if (days < 0) {
      throw new IllegalArgumentException("--history-days is 0 (no limit) or more, not " + days);
    }
    return new Retention(events, days == 0 ? Optional.empty() : Optional.of(Duration.ofDays(days)));
  }

  /** False for {@code --history 0}: no text is stored, ever. */
  public boolean keepsText() {
    return eventsPerRoom > 0;
  }

  /** The earliest time (ms since 1970) still kept at {@code now}; everything when no limit. */
  long cutoff(long now) {
    return maxAge.map(age -> now - age.toMillis()).orElse(Long.MIN_VALUE);
  }
}
