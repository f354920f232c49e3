package dev.lanchat.server.store;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a running server that another process (an admin command) changed its store: it reads
 * {@code PRAGMA data_version} every 250 ms and calls the listener when the value moved, so a
 * change is applied within a second of its commit. Polling a counter in SQLite's shared memory
 * costs next to nothing and, unlike watching the file, sees every commit to the WAL.
 *
 * <p>The listener runs on the watcher's own thread, one call at a time; it re-reads whatever it
 * needs from the store. Thread-safe.
 */
public final class StoreWatcher implements AutoCloseable {
  /** How often the store is asked; four times a second keeps a change under 1 s away. */
  public static final Duration PERIOD = Duration.ofMillis(250);

  private static final Logger log = LoggerFactory.getLogger(StoreWatcher.class);

  /** Where the watcher reads the version from: {@link Store#dataVersion} in production. */
  @FunctionalInterface
  public interface VersionSource {
    /**
     * The current data version.
     *
     * @throws StoreException if the store cannot be read
     */
    long dataVersion() throws StoreException;
  }

  private final VersionSource source;
  private final Runnable listener;
  private final Object state = new Object();
  private ScheduledExecutorService timer;
  private long lastVersion;
  private boolean failing;

  /**
   * A watcher of {@code source} that calls {@code listener} on each change; it reads the
   * version it starts from at once, so only later changes count.
   *
   * @throws StoreException if the store cannot be read
   */
  public StoreWatcher(VersionSource source, Runnable listener) throws StoreException {
    this.source = Objects.requireNonNull(source, "source");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.lastVersion = source.dataVersion();
  }

  /** Starts polling every {@link #PERIOD} on a daemon thread. */
  public StoreWatcher start() {
    synchronized (state) {
      if (timer != null) {
        throw new IllegalStateException("the watcher runs already");
      }
      timer = Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("lanchat-store-watcher").daemon(true).factory());
      timer.scheduleWithFixedDelay(this::pollQuietly, PERIOD.toMillis(), PERIOD.toMillis(),
          TimeUnit.MILLISECONDS);
      return this;
    }
  }

  /**
   * Reads the version once and calls the listener if it changed since the last read.
   *
   * @return true when the listener was called
   * @throws StoreException if the store cannot be read
   */
  boolean poll() throws StoreException {
    long version = source.dataVersion();
    synchronized (state) {
      if (version == lastVersion) {
        return false;
      }
      lastVersion = version;
    }
    listener.run();
    return true;
  }

  private void pollQuietly() {
    try {
      poll();
      if (failing) {
        failing = false;
        log.info("the store can be read again");
      }
    } catch (StoreException e) {
      // say it once, not four times a second; keep trying, the disk may come back
      if (!failing) {
        failing = true;
        log.warn("cannot watch the store for changes: {}", e.getMessage());
      }
    } catch (RuntimeException e) {
      // a throwing listener would cancel the schedule, and later changes would go unseen
      log.error("the store change listener failed", e);
    }
  }

  /** Stops polling; a listener call under way finishes first. */
  @Override
  public void close() {
    ScheduledExecutorService running;
    synchronized (state) {
      running = timer;
    }
    if (running != null) {
      running.shutdownNow();
      try {
        running.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
