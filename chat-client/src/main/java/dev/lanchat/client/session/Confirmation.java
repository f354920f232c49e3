package dev.lanchat.client.session;

import java.io.EOFException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * PING tokens, and the PONG a goodbye waits for: the server answers a PING only after it has
 * handled everything sent before it, so that PONG confirms every line.
 *
 * <p>Thread-safe: the goodbye waits while the reader thread reports PONGs.
 */
final class Confirmation {
  /** How the wait for the PONG ended. */
  enum Outcome { CONFIRMED, TIMED_OUT, CONNECTION_OVER, INTERRUPTED }

  private record Pending(long token, CompletableFuture<Void> answered) {}

  private final AtomicLong tokens = new AtomicLong();
  private final AtomicReference<Pending> pending = new AtomicReference<>();

  /** A fresh token for a PING nobody waits for (a keep-alive). */
  long nextToken() {
    return tokens.incrementAndGet();
  }

  /** A fresh token whose PONG {@link #await} will wait for. */
  long expect() {
    Pending next = new Pending(nextToken(), new CompletableFuture<>());
    pending.set(next);
    return next.token();
  }

  /** A PONG with {@code token} arrived. */
  void answered(long token) {
    Pending current = pending.get();
    if (current != null && current.token() == token) {
      current.answered().complete(null);
    }
  }

  /** The connection is over: no PONG will come. */
  void abandon() {
    Pending current = pending.get();
    if (current != null) {
      current.answered().completeExceptionally(new EOFException("the connection is over"));
    }
  }

  /** Waits at most {@code timeout} for the PONG to the token of the last {@link #expect}. */
  Outcome await(Duration timeout) {
    try {
      pending.get().answered().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return Outcome.CONFIRMED;
    } catch (TimeoutException e) {
      return Outcome.TIMED_OUT;
    } catch (ExecutionException e) {
      return Outcome.CONNECTION_OVER;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.INTERRUPTED;
    }
  }
}
