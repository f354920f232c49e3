package dev.lanchat.client.session;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a PING whenever nothing was sent for the keep-alive interval (protocol §5.4), so the
 * server's idle timeout never ends a quiet but healthy session.
 *
 * <p>Thread-safe: {@link #sent} is called by whoever sends.
 */
final class KeepAlive implements AutoCloseable {
  private final Duration interval;
  private final Runnable ping;
  private final AtomicLong lastSent = new AtomicLong(System.nanoTime());
  private ScheduledExecutorService timer;

  /** Runs {@code ping} after {@code interval} without a send. */
  KeepAlive(Duration interval, Runnable ping) {
    this.interval = interval;
    this.ping = ping;
  }

  /** Notes that something was just sent. */
  void sent() {
    lastSent.set(System.nanoTime());
  }

  /** Starts checking, a few times per interval. */
  synchronized void start() {
    if (timer != null) {
      throw new IllegalStateException("the keep-alive runs already");
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lanchat-keepalive");
      t.setDaemon(true);
      return t;
    });
    long nanos = interval.toNanos();
    long period = Math.max(interval.toMillis() / 4, 10);
    timer.scheduleWithFixedDelay(() -> {
      if (System.nanoTime() - lastSent.get() >= nanos) {
        ping.run();
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
