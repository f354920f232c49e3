package dev.lanchat.server;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides, before any key work, whether a new connection from a source address may go on: one
 * token bucket per {@link InetAddress} (protocol §7, "new connections per source address").
 *
 * <p>Not thread-safe: only the accept loop uses it. Buckets that have filled up again are
 * forgotten once many addresses have been seen, so memory stays bounded.
 */
final class AdmissionControl {
  private static final int SWEEP_ABOVE = 4096;

  private final double rate;
  private final int burst;
  private final LongSupplier nanoClock;
  private final Map<InetAddress, RateLimiter> buckets = new HashMap<>();

  AdmissionControl(double rate, int burst, LongSupplier nanoClock) {
    this.rate = rate;
    this.burst = burst;
    this.nanoClock = nanoClock;
  }

  AdmissionControl(double rate, int burst) {
    this(rate, burst, System::nanoTime);
  }

  /** True when one more connection from {@code source} is within its limit. */
  boolean admit(InetAddress source) {
    if (rate == 0) {
      return true;
    }
    if (buckets.size() >= SWEEP_ABOVE) {
      sweep();
    }
    return buckets.computeIfAbsent(source, a -> new RateLimiter(rate, burst, nanoClock))
        .tryAcquire();
  }

  /** How many addresses are remembered (for tests). */
  int tracked() {
    return buckets.size();
  }

  private void sweep() {
    for (Iterator<RateLimiter> it = buckets.values().iterator(); it.hasNext(); ) {
      if (it.next().isFull()) {
        it.remove();
      }
    }
  }
}
