package dev.lanchat.client.session;

/**
 * The server's per-client message limit: a token bucket of {@code burst} messages refilled at
 * {@code rateMilli} thousandths of a message per second (protocol v2 WELCOME's {@code rate} and
 * {@code burst}). A rate of 0 means no limit.
 *
 * @param rateMilli thousandths of a message per second; 0 = unlimited
 * @param burst the bucket size in messages
 */
public record SendLimits(long rateMilli, long burst) {
  /** Today's server defaults: 10 messages a second, bursts of 20. */
  public static final SendLimits SERVER_DEFAULTS = new SendLimits(10_000, 20);

  public SendLimits {
    if (rateMilli < 0 || burst < 0) {
      throw new IllegalArgumentException("limits are never negative");
    }
  }

  /** True when the server sets no limit, so nothing needs pacing. */
  public boolean unlimited() {
    return rateMilli == 0;
  }
}
