package dev.lanchat.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Decides, before any key work, whether a new connection from a source may go on (protocol §7):
 * a token bucket of new connections per source, and a cap on the connections one source holds
 * at once. A source is an IPv4 address, or an IPv6 /64, since one host can hold a whole /64.
 *
 * <p>Thread-safe: the accept loop admits, and each connection's thread hands its place back.
 * Buckets that have filled up again are forgotten once many sources have been seen, and a
 * source's count is forgotten when it falls to zero, so memory stays bounded.
 */
final class AdmissionControl {
  private static final int SWEEP_ABOVE = 4096;

  /** The answer for one new connection. */
  sealed interface Decision {
    /** Go on; {@code place} is handed back when the connection ends. */
    record Admitted(Place place) implements Decision {}

    /** Too many new connections from that source lately. */
    record TooFast() implements Decision {}

    /** That source holds {@code max} connections already. */
    record TooMany(int max) implements Decision {}
  }

  /** One admitted connection's place in its source's count; {@link #release} is idempotent. */
  static final class Place {
    private final AdmissionControl owner;
    private final InetAddress source;
    private final AtomicBoolean released = new AtomicBoolean();

    private Place(AdmissionControl owner, InetAddress source) {
      this.owner = owner;
      this.source = source;
    }

    /**
     * Charges one more new connection to the source's rate, as protocol §7 asks for a failed
     * join-code exchange, so guessing codes costs a guesser its connect rate.
     */
    void chargeFailure() {
      owner.charge(source);
    }

    /** Hands the place back (the connection has ended). */
    void release() {
      if (released.compareAndSet(false, true)) {
        owner.release(source);
      }
    }
  }

  private final double rate;
  private final int burst;
  private final int maxPerSource;
  private final LongSupplier nanoClock;
  private final Map<InetAddress, RateLimiter> buckets = new HashMap<>();
  private final Map<InetAddress, Integer> open = new HashMap<>();

  /**
   * @param rate new connections per second per source ({@code 0}: no limit)
   * @param burst new connections at once per source
   * @param maxPerSource connections one source may hold at once
   * @param nanoClock a monotonic clock, {@link System#nanoTime} outside tests
   */
  AdmissionControl(double rate, int burst, int maxPerSource, LongSupplier nanoClock) {
    this.rate = rate;
    this.burst = burst;
    this.maxPerSource = maxPerSource;
    this.nanoClock = nanoClock;
  }

  AdmissionControl(double rate, int burst, int maxPerSource) {
    this(rate, burst, maxPerSource, System::nanoTime);
  }

  /** Whether one more connection from {@code address} may go on. */
  synchronized Decision admit(InetAddress address) {
    InetAddress source = sourceOf(address);
    int held = open.getOrDefault(source, 0);
    if (held >= maxPerSource) {
      return new Decision.TooMany(maxPerSource);
    }
    if (rate != 0) {
      if (buckets.size() >= SWEEP_ABOVE) {
        sweep();
      }
      if (!buckets.computeIfAbsent(source, a -> new RateLimiter(rate, burst, nanoClock))
          .tryAcquire()) {
        return new Decision.TooFast();
      }
    }
    open.put(source, held + 1);
    return new Decision.Admitted(new Place(this, source));
  }

  /** How many sources have a remembered rate bucket (for tests). */
  synchronized int tracked() {
    return buckets.size();
  }

  /** How many connections {@code address}'s source holds now (for tests). */
  synchronized int held(InetAddress address) {
    return open.getOrDefault(sourceOf(address), 0);
  }

  /**
   * The source an address counts against: an IPv4 address itself, an IPv6 address's /64 (its
   * first 8 bytes, the rest zero, scope dropped).
   */
  static InetAddress sourceOf(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
    Arrays.fill(prefix, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(prefix);
    } catch (UnknownHostException e) {
      throw new AssertionError("16 bytes are an IPv6 address", e);
    }
  }

  /** Takes a token from the source's bucket if one is left; a connection thread calls this. */
  private synchronized void charge(InetAddress source) {
    if (rate != 0) {
      buckets.computeIfAbsent(source, a -> new RateLimiter(rate, burst, nanoClock)).tryAcquire();
    }
  }

  private synchronized void release(InetAddress source) {
    open.computeIfPresent(source, (s, n) -> n <= 1 ? null : n - 1);
  }

  private void sweep() {
    for (Iterator<RateLimiter> it = buckets.values().iterator(); it.hasNext(); ) {
      if (it.next().isFull()) {
        it.remove();
      }
    }
  }
}
