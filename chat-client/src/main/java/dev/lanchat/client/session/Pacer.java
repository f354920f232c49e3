package dev.lanchat.client.session;

/**
 * Spaces what the client sends so that it stays inside the server's {@link SendLimits}: a token
 * bucket like the server's, but a little smaller and slower, so that network jitter bunching
 * two records together can never push the server's bucket below one. A line that has no token
 * yet waits; it is never dropped.
 *
 * <p>A bucket of {@code b} tokens at rate {@code r}, delayed by up to {@code J} of jitter,
 * arrives as a bucket of {@code b + r·J}: with two tokens and 10 % of rate held back, the
 * server's limit holds for about 0.2 s of jitter at 10 a second.
 *
 * <p>Not thread-safe: the session's one sender thread owns it.
 */
final class Pacer {
  private static final double NANOS_PER_SECOND = 1e9;
  private static final double RATE_SHARE = 0.9;
  private static final long BURST_RESERVE = 2;

  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long last;

  /** A full bucket at {@code now} (nanoseconds, monotonic). */
  Pacer(SendLimits limits, long now) {
    this.ratePerNano = limits.rateMilli() / 1000.0 * RATE_SHARE / NANOS_PER_SECOND;
    this.burst = Math.max(1, limits.burst() - BURST_RESERVE);
    this.tokens = burst;
    this.last = now;
  }

  /**
   * Takes a token for one message to be sent at {@code now}; returns how many nanoseconds the
   * sender must wait first (0 when a token is there). The token is taken either way, so the
   * next message waits behind this one.
   */
  long reserve(long now) {
    if (ratePerNano == 0) {
      return 0;
    }
    long elapsed = now - last;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * ratePerNano);
      last = now;
    }
    tokens -= 1;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / ratePerNano);
  }

  /** How long {@code messages} more take to send at the paced rate, past any burst; 0 if unlimited. */
  long drainNanos(long messages) {
    return ratePerNano == 0 ? 0 : (long) Math.ceil(messages / ratePerNano);
  }
}
