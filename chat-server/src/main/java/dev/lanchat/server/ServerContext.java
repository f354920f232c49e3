package dev.lanchat.server;

import dev.lanchat.common.crypto.Identity;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * What a {@link Connection} needs from the server around it, and no more: the settings, the
 * identity to prove, randomness, a timer, the client keys, the client slots, and whether the server is stopping.
 * Connections depend on this, not on {@link ChatServer}, so neither reaches back into the other.
 */
interface ServerContext {
  /** The server's settings. */
  ServerConfig config();

  /** The long-term key SERVER_AUTH is signed with. */
  Identity identity();

  /** The randomness for handshakes. */
  SecureRandom random();

  /**
   * Runs {@code task} once after {@code delay} on a timer thread; never throws.
   *
   * @return the scheduled task, or null when the server is stopping and schedules nothing
   */
  ScheduledFuture<?> schedule(Runnable task, Duration delay);

  /** Who may come in and which key owns which name (the server's store). */
  ClientKeys keys();

  /** The cap on clients past the handshake. */
  ClientSlots slots();

  /** The server-wide budget of bytes waiting to be written, which every outbox counts against. */
  OutboundBudget outboundBudget();

  /** True once the server has begun to shut down. */
  boolean isClosed();
}
