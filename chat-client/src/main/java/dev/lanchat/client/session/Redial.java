package dev.lanchat.client.session;

import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * One round of reconnecting for {@link Reconnector}: waits as {@link Backoff} says, then opens
 * a session (the whole handshake, the trust decision again) and joins under the name, until
 * one joins, the time allowed is over, or retrying cannot help (a changed key, a refusal).
 * Kept apart so the reconnector reads as "run a session, hand over, go live".
 *
 * <p>Not thread-safe: the reconnector's thread runs it.
 */
final class Redial {
  /** Waits before an attempt; an outcome when the conversation ended meanwhile. */
  @FunctionalInterface
  interface Pause {
    Optional<ConversationEnd> pause(Duration wait);
  }

  /** Where a round left us. */
  sealed interface Result {
    /** Joined again: the session is ready to start. */
    record Back(Session session, ServerMessage.Welcome welcome) implements Result {}

    /** No more reconnecting, for this reason. */
    record Stop(ConversationEnd outcome) implements Result {}
  }

  private final SessionSettings settings;
  private final ServerTrust trust;
  private final Optional<Duration> giveUpAfter;
  private final Backoff backoff;
  private final LongSupplier nanoTime;

  Redial(SessionSettings settings, ServerTrust trust, Optional<Duration> giveUpAfter,
      Backoff backoff, LongSupplier nanoTime) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.trust = Objects.requireNonNull(trust, "trust");
    this.giveUpAfter = Objects.requireNonNull(giveUpAfter, "giveUpAfter");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * Tries until a session joins as {@code name}, or there is a reason to stop; {@code lost} is
   * how the last connection ended, {@code unconfirmed} how many messages wait for the server.
   */
  Result run(String name, Ending lost, IntSupplier unconfirmed, Pause pause) {
    long start = nanoTime.getAsLong();
    backoff.reset();
    while (true) {
      Duration wait = backoff.next();
      if (giveUpAfter.isPresent()) {
        Duration left = giveUpAfter.get().minusNanos(nanoTime.getAsLong() - start);
        if (left.isNegative() || left.isZero()) {
          return new Result.Stop(new ConversationEnd.Lost(lost, true,
              unconfirmed.getAsInt()));
        }
        wait = wait.compareTo(left) < 0 ? wait : left;
      }
      Optional<ConversationEnd> ended = pause.pause(wait);
      if (ended.isPresent()) {
        return new Result.Stop(ended.get());
      }
      Optional<Result> attempt = attempt(name);
      if (attempt.isPresent()) {
        return attempt.get();
      }
    }
  }

  /** One try: connect, trust, join. Empty when it is worth trying again later. */
  private Optional<Result> attempt(String name) {
    switch (Connector.open(settings, trust)) {
      case Opened.NotTrusted refused -> {
        return stop(new ConversationEnd.NotTrusted());
      }
      case Opened.Failed failed -> {
        Problem.Kind kind = failed.problem().kind();
        return kind == Problem.Kind.NOT_AUTHENTIC || kind == Problem.Kind.CODE_MISMATCH
            ? stop(new ConversationEnd.Failed(failed.problem())) : Optional.empty();
      }
      case Opened.Ready ready -> {
        Session session = ready.session();
        JoinResult joined = session.join(name);
        if (joined instanceof JoinResult.Joined j) {
          return Optional.of(new Result.Back(session, j.welcome()));
        }
        session.close();
        // our own session may still hold the name until the server notices the drop
        return joined instanceof JoinResult.Refused refused && !heldByUs(refused.error())
            ? stop(new ConversationEnd.Refused(refused.error())) : Optional.empty();
      }
    }
  }

  /**
   * True when a refused JOIN says the name is held by a connected client: the name is bound to
   * our key (another key would get NAME_BOUND), so the holder is our own lost session, which the
   * server has not noticed yet.
   */
  private static boolean heldByUs(ServerMessage.Error error) {
    return error.errorCode().orElse(null) == ErrorCode.NAME_TAKEN;
  }

  private static Optional<Result> stop(ConversationEnd outcome) {
    return Optional.of(new Result.Stop(outcome));
  }
}
