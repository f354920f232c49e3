package dev.lanchat.client;

import dev.lanchat.common.e2e.E2eRoom;
import dev.lanchat.common.message.E2eKeyEntry;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The E2E_KEYS_GET questions in flight and their answers: a question is sent once per target
 * while unanswered, E2E_KEYS pages are gathered until the last one, and an ERROR that can only
 * be about such a question (no such user, not in the room) ends the oldest one. The asker waits
 * a bounded time; the session's reader only completes.
 *
 * <p>Holds at most {@link E2eRoom#MAX_MEMBERS} entries per answer. Thread-safe.
 */
final class KeyRequests {
  /** How long an asker waits for the server's answer. */
  static final Duration WAIT = Duration.ofSeconds(10);

  /** What came back for one target. */
  sealed interface Answer {
    /** The keys the server listed (perhaps none). */
    record Keys(List<E2eKeyEntry> entries) implements Answer {}

    /** No answer: the server refused ({@code why}, terminal-safe) or stayed silent. */
    record None(String why) implements Answer {}

    /** The asker stopped waiting because the session is ending, which is said elsewhere. */
    record Abandoned() implements Answer {}
  }

  private static final class Pending {
    final CompletableFuture<Answer> done = new CompletableFuture<>();
    final List<E2eKeyEntry> pages = new ArrayList<>();
  }

  /** By target skeleton, oldest first. */
  private final Map<String, Pending> pending = new LinkedHashMap<>();

  /**
   * Asks for {@code target}'s keys through {@code send} (unless the same question is in flight)
   * and waits for the answer.
   */
  Answer fetch(String target, Consumer<String> send) {
    CompletableFuture<Answer> done;
    boolean ask;
    synchronized (this) {
      String key = JoinedRooms.skeleton(target);
      Pending p = pending.get(key);
      ask = p == null;
      if (ask) {
        p = new Pending();
        pending.put(key, p);
      }
      done = p.done;
    }
    if (ask) {
      send.accept(target);
    }
    try {
      return done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      forget(target, done);
      return new Answer.None("the server did not answer in " + WAIT.toSeconds() + " s");
    } catch (ExecutionException e) {
      return new Answer.None("no answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the session's workers are stopped as it ends
      return new Answer.Abandoned();
    }
  }

  private synchronized void forget(String target, CompletableFuture<Answer> done) {
    String key = JoinedRooms.skeleton(target);
    Pending p = pending.get(key);
    if (p != null && p.done == done) {
      pending.remove(key);
    }
  }

  /**
   * Follows the server's messages: E2E_KEYS pages, and the ERRORs that end a question; true
   * when {@code message} was the answer to a question (the asker tells the user, once).
   */
  boolean received(ServerMessage message) {
    return switch (message) {
      case ServerMessage.E2eKeys keys -> {
        page(keys);
        yield true;
      }
      case ServerMessage.Error error when isAboutAQuestion(error) -> failOldest(
          EventFormat.text(error.text()));
      default -> false;
    };
  }

  private void page(ServerMessage.E2eKeys keys) {
    Pending p;
    synchronized (this) {
      String key = JoinedRooms.skeleton(keys.target());
      p = pending.get(key);
      if (p == null) {
        return; // unasked: nothing waits for it
      }
      for (E2eKeyEntry entry : keys.entries()) {
        if (p.pages.size() < E2eRoom.MAX_MEMBERS) {
          p.pages.add(entry);
        }
      }
      if (keys.more()) {
        return;
      }
      pending.remove(key);
    }
    p.done.complete(new Answer.Keys(List.copyOf(p.pages)));
  }

  private static boolean isAboutAQuestion(ServerMessage.Error error) {
    Optional<ErrorCode> code = error.errorCode();
    return code.isPresent() && switch (code.get()) {
      case NO_SUCH_USER, NOT_IN_ROOM, ROOM_INVALID -> true;
      default -> false;
    };
  }

  private boolean failOldest(String why) {
    Pending oldest;
    synchronized (this) {
      Iterator<Pending> it = pending.values().iterator();
      if (!it.hasNext()) {
        return false;
      }
      oldest = it.next();
      it.remove();
    }
    oldest.done.complete(new Answer.None(why));
    return true;
  }
}
