package dev.lanchat.server;

import java.util.Optional;
import java.util.concurrent.ScheduledFuture;

/**
 * The time a connection has from accept to WELCOME ({@link ServerConfig#handshakeTimeout}, none
 * when zero): started when the connection starts, cancelled when it joins or ends.
 */
final class HandshakeDeadline {
  private volatile ScheduledFuture<?> timer;

  /** Runs {@code passed} when the handshake timeout has passed, unless cancelled first. */
  void start(ServerContext server, Runnable passed) {
    if (!server.config().handshakeTimeout().isZero()) {
      timer = server.schedule(passed, server.config().handshakeTimeout());
    }
  }

  /** Cancels the deadline; harmless when it never started or already passed. */
  void cancel() {
    Optional.ofNullable(timer).ifPresent(t -> t.cancel(false));
  }
}
