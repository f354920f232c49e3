package dev.lanchat.server;

import dev.lanchat.server.store.History;
import dev.lanchat.server.store.OfflineDms;
import dev.lanchat.server.store.StoreException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prunes what fell out of retention where no write prunes it (rooms nobody writes to, a lowered
 * {@code --history}, waiting DMs past the age limit): at start-up, then every {@link #PERIOD} on
 * the server's timer. Each run takes bounded steps, at most {@link #STEPS} of them, so the store
 * is never held long.
 */
final class HistorySweeper implements Runnable {
  /** How often a running server sweeps. */
  static final Duration PERIOD = Duration.ofMinutes(5);
  /** Sweep steps one run takes at most (each deletes at most a few thousand rows). */
  static final int STEPS = 100;

  private static final Logger log = LoggerFactory.getLogger(HistorySweeper.class);

  private final History history;
  private final OfflineDms dms;
  private final ServerContext timer;

  HistorySweeper(History history, OfflineDms dms, ServerContext timer) {
    this.history = history;
    this.dms = dms;
    this.timer = timer;
  }

  /** One sweep, then the next one scheduled (unless the server is stopping). */
  @Override
  public void run() {
    try {
      for (int step = 0; step < STEPS; step++) {
        if (history.sweep() + dms.sweep() == 0) {
          break;
        }
      }
    } catch (StoreException | IllegalStateException e) { // a closed store: the server stopped
      log.warn("cannot prune the history: {}", e.getMessage());
    }
    if (!timer.isClosed()) {
      timer.schedule(this, PERIOD);
    }
  }
}
