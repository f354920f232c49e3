package dev.lanchat.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accept loop: takes each new TCP connection, applies the per-source admission limits
 * ({@link AdmissionControl}: connect rate and simultaneous connections) before any key work, and
 * hands admitted sockets on with their place in the count.
 *
 * <p>It survives every error from {@code accept()}: a full descriptor table ("Too many open
 * files") or a network hiccup must not leave a server that keeps its joined clients but never
 * serves a new one. After an error it waits (10 ms, doubling up to 1 s, reset by the next
 * success) so it does not spin, and logs at most one line per {@link #LOG_EVERY}, with a count of
 * the failures it did not log. It stops when the server is closing (or its thread is interrupted).
 *
 * <p>Runs on one thread; not thread-safe.
 */
final class Acceptor {
  /** Shortest wait after a failed accept. */
  static final Duration FIRST_BACKOFF = Duration.ofMillis(10);
  /** Longest wait after failed accepts. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
  /** At most one log line per this long about failing accepts. */
  static final Duration LOG_EVERY = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(Acceptor.class);

  private final ServerSocket listener;
  private final AdmissionControl admission;
  private final BooleanSupplier closing;
  private final BiConsumer<Socket, AdmissionControl.Place> handler;
  private long backoffMillis;
  private boolean loggedBefore;
  private long lastLogNanos;
  private long unlogged;

  /**
   * @param listener the bound listening socket
   * @param admission the per-source limits
   * @param closing true once the server stops; the loop ends then
   * @param handler takes each admitted socket and its place, which it must release when the
   *     connection ends (and must not block for long)
   */
  Acceptor(ServerSocket listener, AdmissionControl admission, BooleanSupplier closing,
      BiConsumer<Socket, AdmissionControl.Place> handler) {
    this.listener = listener;
    this.admission = admission;
    this.closing = closing;
    this.handler = handler;
  }

  /** Accepts until the server closes. */
  void run() {
    while (!closing.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException | RuntimeException e) {
        if (closing.getAsBoolean() || listener.isClosed()) {
          return;
        }
        failed(e);
        continue;
      }
      backoffMillis = 0;
      switch (admission.admit(socket.getInetAddress())) {
        case AdmissionControl.Decision.Admitted a -> handler.accept(socket, a.place());
        case AdmissionControl.Decision.TooFast f -> refuse(socket, "too many new connections");
        case AdmissionControl.Decision.TooMany m ->
            refuse(socket, m.max() + " connections open already");
      }
    }
  }

  private static void refuse(Socket socket, String why) {
    log.debug("refused {}: {} from that address", Peers.describe(socket.getRemoteSocketAddress()),
        why);
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** Logs (at a limited rate) and waits before the next try. */
  private void failed(Exception e) {
    long now = System.nanoTime();
    if (!loggedBefore || now - lastLogNanos >= LOG_EVERY.toNanos()) {
      loggedBefore = true;
      log.error("accepting connections failed: {}{}; still accepting", Peers.brief(e),
          unlogged == 0 ? "" : " (and " + unlogged + " more failures since the last report)");
      lastLogNanos = now;
      unlogged = 0;
    } else {
      unlogged++;
    }
    backoffMillis = backoffMillis == 0 ? FIRST_BACKOFF.toMillis()
        : Math.min(MAX_BACKOFF.toMillis(), backoffMillis * 2);
    try {
      Thread.sleep(backoffMillis);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt(); // run() sees it and stops
    }
  }
}
