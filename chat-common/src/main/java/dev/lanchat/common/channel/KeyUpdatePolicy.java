package dev.lanchat.common.channel;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * When a sender moves its direction to a fresh key by itself (protocol "Key update"): once the
 * current key has sealed {@code maxRecords} records, or has been in use for {@code maxAge},
 * whichever comes first. The defaults (2^20 records, one hour) keep a long session far from the
 * per-key limits of protocol §3 (2^32 records, 2^36 bytes), which would otherwise end it.
 *
 * <p>Immutable. The thresholds and the clock are parameters so that tests can reach them in a
 * few records and without waiting.
 *
 * @param maxRecords records one key seals before the next record goes under a new key; at least 1
 * @param maxAge how long one key is used before the next record goes under a new key; positive
 * @param clock where the age of a key is read from
 */
public record KeyUpdatePolicy(long maxRecords, Duration maxAge, Clock clock) {
  /** The default record threshold: 2^20. */
  public static final long DEFAULT_MAX_RECORDS = 1L << 20;

  /** The default age threshold: one hour. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);

  public KeyUpdatePolicy {
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(clock, "clock");
    if (maxRecords < 1) {
      throw new IllegalArgumentException("a key seals at least 1 record before an update");
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("a key's lifetime must be positive");
    }
  }

  /**
   * The system property that lowers the record threshold of {@link #standard()}: a test-only
   * knob, not a user option, so that a test of the real programs (in process or through the
   * launchers, with {@code -D}) sees many key updates in a short session.
   */
  public static final String TEST_RECORDS_PROPERTY = "lanchat.test.keyUpdateRecords";

  /**
   * The policy both programs use, read in this one place: {@link #defaults()}, unless the system
   * property {@value #TEST_RECORDS_PROPERTY} lowers the record threshold.
   *
   * @throws IllegalArgumentException if the property is set but is not a whole number from 1 to
   *     2^20 (it can only make updates come sooner, never later than the protocol says)
   */
  public static KeyUpdatePolicy standard() {
    String lowered = System.getProperty(TEST_RECORDS_PROPERTY);
    if (lowered == null) {
      return defaults();
    }
    long records;
    try {
      records = Long.parseLong(lowered.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(TEST_RECORDS_PROPERTY + " is not a number", e);
    }
    if (records < 1 || records > DEFAULT_MAX_RECORDS) {
      throw new IllegalArgumentException(
          TEST_RECORDS_PROPERTY + " must be from 1 to " + DEFAULT_MAX_RECORDS);
    }
    return new KeyUpdatePolicy(records, DEFAULT_MAX_AGE, Clock.systemUTC());
  }

  /** 2^20 records or one hour, by the system clock. */
  public static KeyUpdatePolicy defaults() {
    return new KeyUpdatePolicy(DEFAULT_MAX_RECORDS, DEFAULT_MAX_AGE, Clock.systemUTC());
  }

  /**
   * True when a key that has sealed {@code records} records, in use since {@code sinceMillis},
   * is used up at {@code nowMillis} (both from {@link #nowMillis()}).
   */
  boolean due(long records, long sinceMillis, long nowMillis) {
    return records >= maxRecords || nowMillis - sinceMillis >= maxAge.toMillis();
  }

  /**
   * Now, by this policy's clock, in milliseconds: {@link Clock#millis()}, which for the system
   * clock is the JVM's cheap wall-clock read (an {@code Instant} costs a call into the VM, and a
   * server sealing a record for each of thousands of members read it once per record).
   */
  long nowMillis() {
    return clock.millis();
  }
}
