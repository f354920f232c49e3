package dev.lanchat.server;

import dev.lanchat.common.crypto.Identity;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services a running server lends its connections ({@link ServerContext}): settings,
 * identity, randomness, one timer thread, the client keys, the client slots, the outbound budget
 * and the "stopping" flag.
 *
 * <p>Thread-safe.
 */
final class ServerServices implements ServerContext {
  private static final Logger log = LoggerFactory.getLogger(ServerServices.class);

  private final ServerConfig config;
  private final Identity identity;
  private final SecureRandom random = new SecureRandom();
  private final ClientSlots slots;
  private final OutboundBudget outboundBudget;
  private final ClientKeys keys;
  private final ScheduledThreadPoolExecutor timers;
  private final AtomicBoolean closing = new AtomicBoolean();

  ServerServices(ServerConfig config, Identity identity, ClientKeys keys) {
    this.config = config;
    this.identity = identity;
    this.keys = keys;
    this.slots = new ClientSlots(config.maxClients());
    this.outboundBudget = new OutboundBudget(config.maxOutboundBytes());
    this.timers = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "lanchat-timers");
      t.setDaemon(true);
      return t;
    });
    timers.setRemoveOnCancelPolicy(true);
  }

  @Override
  public ServerConfig config() {
    return config;
  }

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public SecureRandom random() {
    return random;
  }

  @Override
  public ClientKeys keys() {
    return keys;
  }

  @Override
  public ClientSlots slots() {
    return slots;
  }

  @Override
  public OutboundBudget outboundBudget() {
    return outboundBudget;
  }

  @Override
  public boolean isClosed() {
    return closing.get();
  }

  /** Marks the server as stopping; true for the one call that did it. */
  boolean beginClosing() {
    return closing.compareAndSet(false, true);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return timers.schedule(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.warn("a timer task failed: {}", e.toString());
        }
      }, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null; // shutting down: close() closes every socket itself
    }
  }

  /** Stops the timer thread; scheduled tasks are dropped. */
  void stopTimers() {
    timers.shutdownNow();
  }
}
