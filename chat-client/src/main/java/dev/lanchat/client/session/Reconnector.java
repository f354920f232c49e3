package dev.lanchat.client.session;

import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Keeps a conversation going across connections: when a joined session is lost (not by our
 * goodbye), it opens new ones with {@link Backoff} until one joins under the same name, checks
 * the server's key again each time (a changed key is refused as at first connect), enters the
 * rooms again from the last event seen ({@link RoomCursors}), and hands the new session whatever
 * the server had not confirmed ({@link Outstanding}), then what was typed meanwhile, in order.
 * Events shown once are never shown again. It prints nothing: the program hears of it through
 * {@link Events} and the {@link Outcome}.
 *
 * <p>Threads: {@link #run} works on the caller's thread until the end; {@link #send} and
 * {@link #goodbye} come from the input thread; events arrive on the current session's reader.
 */
public final class Reconnector {
  /** Lines typed while disconnected that are kept for sending; the next one is refused. */
  public static final int MAX_QUEUED = 100;

  /**
   * How to reconnect.
   *
   * @param giveUpAfter how long to keep trying after a loss; empty: until the user quits;
   *     zero: never reconnect
   * @param interactive a person types: a line beyond {@link #MAX_QUEUED} while disconnected is
   *     refused, and quitting while disconnected ends at once; otherwise (piped) the input waits
   *     for room and the goodbye waits for the connection, so every line is confirmed
   */
  public record Options(Optional<Duration> giveUpAfter, boolean interactive) {
    public Options {
      Objects.requireNonNull(giveUpAfter, "giveUpAfter");
      giveUpAfter.ifPresent(d -> {
        if (d.isNegative()) {
          throw new IllegalArgumentException("the reconnect time must not be negative");
        }
      });
    }

    boolean never() {
      return giveUpAfter.map(Duration::isZero).orElse(false);
    }
  }

  /** What the program is told, to show it. */
  public interface Events {
    /** A server event, shown at most once (on the current session's reader thread). */
    void received(ServerMessage message);

    /** The connection was lost ({@code how}); reconnecting starts. Once per loss. */
    void lost(Ending how);

    /** Joined again after a loss, as {@code welcome} says. */
    void reconnected(ServerMessage.Welcome welcome);
  }

  /** How the conversation ended for good. */
  public sealed interface Outcome {
    /** We said goodbye and the server confirmed everything sent. */
    record Left() implements Outcome {}

    /** The user quit while disconnected; {@code unconfirmed} messages may not have arrived. */
    record Quit(int unconfirmed) implements Outcome {}

    /**
     * The connection was lost and not restored ({@code how}); {@code gaveUp} when reconnecting
     * was tried for the whole time allowed.
     */
    record Lost(Ending how, boolean gaveUp, int unconfirmed) implements Outcome {}

    /** Reconnecting found a server whose key is not trusted (the user was told why). */
    record NotTrusted() implements Outcome {}

    /** Reconnecting failed in a way retrying cannot mend (the server's proof failed). */
    record Failed(Problem problem) implements Outcome {}

    /** The server refused the name or the key on reconnecting. */
    record Refused(ServerMessage.Error error) implements Outcome {}
  }

  /** What became of one {@link #send}. */
  public enum Sent {
    /** Given to the connected session. */
    SENT,
    /** Kept until the connection is back. */
    QUEUED,
    /** Not kept: {@link #MAX_QUEUED} lines wait already (interactive only). */
    REFUSED,
    /** The conversation is over; nothing more is sent. */
    OVER
  }

  private final SessionSettings settings;
  private final ServerTrust trust;
  private final Options options;
  private final Backoff backoff;
  private final LongSupplier nanoTime;
  private final MessageIds ids = new MessageIds(new SecureRandom());
  private final Outstanding outstanding = new Outstanding();
  private final RoomCursors rooms = new RoomCursors();
  private final Object lock = new Object();
  private volatile String name;
  // guarded by lock
  private Session current;
  private boolean live;
  // true from a loss until the next session is live: what is sent meanwhile is "queued"
  private boolean down;
  private boolean over;
  private int queuedWhileDown;
  private String leaving;
  private String stopped;

  /**
   * A reconnector for the conversation joined as {@code name}; {@code settings} are those of
   * the first session (a join code is not proven again).
   */
  public Reconnector(SessionSettings settings, ServerTrust trust, String name, Options options,
      Backoff backoff, LongSupplier nanoTime) {
    this.settings = Objects.requireNonNull(settings, "settings").withoutJoinCode();
    this.trust = Objects.requireNonNull(trust, "trust");
    this.name = Objects.requireNonNull(name, "name");
    this.options = Objects.requireNonNull(options, "options");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** A fresh client message id for a SAY, DM or ME. */
  public long nextId() {
    return ids.next();
  }

  /** The rooms this conversation is in, and the last event seen in each. */
  public RoomCursors rooms() {
    return rooms;
  }

  /**
   * Runs the conversation from {@code first} (joined, not started) until it ends for good,
   * sending {@code opening} first (the rooms to enter).
   */
  public Outcome run(Session first, List<ClientMessage> opening, Events events) {
    Objects.requireNonNull(events, "events");
    Session session = first;
    List<ClientMessage> enter = List.copyOf(opening);
    // the ENTERs are ours, not the user's: they go first and are never resent as such
    while (true) {
      Ending ending = converse(session, enter, events);
      Optional<Outcome> end = ended(ending);
      if (end.isPresent()) {
        return end.get();
      }
      events.lost(ending);
      Reopened again = reopen(ending);
      switch (again) {
        case Reopened.Stop stop -> {
          return stop.outcome();
        }
        case Reopened.Back back -> {
          session = back.session();
          name = back.welcome().name();
          events.reconnected(back.welcome());
          enter = rooms.reentries(opening);
        }
      }
    }
  }

  /**
   * Queues {@code message} for the server: to the live session, or, while disconnected, kept
   * for the next one. Waits (piped only) while {@link #MAX_QUEUED} lines wait already.
   */
  public Sent send(ClientMessage message) {
    Objects.requireNonNull(message, "message");
    if (message instanceof ClientMessage.Part part) {
      rooms.parted(part.room()); // a reconnect does not take us back into a room we left
    }
    Session to;
    synchronized (lock) {
      while (!live && !over && !options.interactive() && queuedWhileDown >= MAX_QUEUED) {
        if (!waitOn(Duration.ofMillis(100))) {
          return Sent.OVER;
        }
      }
      if (over || leaving != null) {
        return Sent.OVER;
      }
      if (!live && !down) { // the first session is about to go live: it takes this in order
        outstanding.add(message, false);
        return Sent.SENT;
      }
      if (!live) {
        if (queuedWhileDown >= MAX_QUEUED) {
          return Sent.REFUSED;
        }
        queuedWhileDown++;
        outstanding.add(message, false);
        return Sent.QUEUED;
      }
      outstanding.add(message, true);
      to = current;
    }
    // a session that ends meanwhile leaves the message in outstanding: the next one gets it
    to.send(message);
    return Sent.SENT;
  }

  /**
   * Leaves with {@code message} once the server confirmed everything sent, over this or the
   * next connection. Interactive, while disconnected, it ends the conversation at once.
   */
  public void goodbye(String message) {
    Objects.requireNonNull(message, "message");
    Session now;
    synchronized (lock) {
      if (over || leaving != null) {
        return;
      }
      leaving = message;
      now = live ? current : null;
      lock.notifyAll();
    }
    if (now != null) {
      now.goodbye(message);
    }
  }

  /** Ends the conversation for a reason of the program's own (input failed); no reconnect. */
  public void stop(String why) {
    Session now;
    synchronized (lock) {
      stopped = Objects.requireNonNull(why, "why");
      now = current;
      lock.notifyAll();
    }
    if (now != null) {
      now.stop(why);
    }
  }

  /** True once the conversation has ended for good. */
  public boolean isOver() {
    synchronized (lock) {
      return over;
    }
  }

  /** One connection: start it, enter the rooms, hand over what waits, run until it ends. */
  private Ending converse(Session session, List<ClientMessage> enter, Events events) {
    try (session) {
      outstanding.newSession();
      session.start(m -> rooms.fresh(m).ifPresent(fresh -> {
        renamed(fresh);
        events.received(fresh);
      }), outstanding);
      enter.forEach(session::send);
      handOver(session);
      return session.awaitEnd();
    } finally {
      synchronized (lock) {
        live = false;
        down = true;
        current = null;
      }
    }
  }

  /**
   * Gives {@code session} everything the server has not confirmed, then goes live (the input
   * thread sends straight to it from then on), then leaves if the user asked to meanwhile.
   */
  private void handOver(Session session) {
    String bye;
    while (true) {
      List<ClientMessage> next;
      synchronized (lock) {
        next = outstanding.toHandOver();
        if (next.isEmpty()) { // under the lock: no line the input thread adds can slip past
          live = true;
          down = false;
          current = session;
          queuedWhileDown = 0;
          bye = leaving;
          lock.notifyAll();
          break;
        }
      }
      next.forEach(session::send);
    }
    if (bye != null) {
      session.goodbye(bye);
    }
  }

  /** The outcome when {@code ending} ends the conversation for good; empty to reconnect. */
  private Optional<Outcome> ended(Ending ending) {
    synchronized (lock) {
      if (ending instanceof Ending.Left) {
        return finish(new Outcome.Left());
      }
      if (stopped != null || options.never()) {
        return finish(new Outcome.Lost(ending, false, outstanding.size()));
      }
      if (leaving != null && options.interactive()) {
        return finish(new Outcome.Quit(outstanding.size()));
      }
      return Optional.empty();
    }
  }

  private Optional<Outcome> finish(Outcome outcome) {
    over = true;
    lock.notifyAll();
    return Optional.of(outcome);
  }

  /** Where one round of reconnecting left us. */
  private sealed interface Reopened {
    record Back(Session session, ServerMessage.Welcome welcome) implements Reopened {}

    record Stop(Outcome outcome) implements Reopened {}
  }

  /** Opens sessions with backoff until one joins, or there is a reason to stop. */
  private Reopened reopen(Ending lost) {
    long start = nanoTime.getAsLong();
    backoff.reset();
    while (true) {
      Duration wait = backoff.next();
      if (options.giveUpAfter().isPresent()) {
        Duration left = options.giveUpAfter().get().minusNanos(nanoTime.getAsLong() - start);
        if (left.isNegative() || left.isZero()) {
          return stop(new Outcome.Lost(lost, true, outstanding.size()));
        }
        wait = wait.compareTo(left) < 0 ? wait : left;
      }
      Optional<Outcome> quit = pause(wait, lost);
      if (quit.isPresent()) {
        return new Reopened.Stop(quit.get());
      }
      Optional<Reopened> attempt = attempt();
      if (attempt.isPresent()) {
        return attempt.get();
      }
    }
  }

  /** One try: connect, trust, join. Empty when it is worth trying again later. */
  private Optional<Reopened> attempt() {
    switch (Connector.open(settings, trust)) {
      case Opened.NotTrusted refused -> {
        return Optional.of(stop(new Outcome.NotTrusted()));
      }
      case Opened.Failed failed -> {
        Problem.Kind kind = failed.problem().kind();
        return kind == Problem.Kind.NOT_AUTHENTIC || kind == Problem.Kind.CODE_MISMATCH
            ? Optional.of(stop(new Outcome.Failed(failed.problem()))) : Optional.empty();
      }
      case Opened.Ready ready -> {
        Session session = ready.session();
        JoinResult joined = session.join(name);
        if (joined instanceof JoinResult.Joined j) {
          return Optional.of(new Reopened.Back(session, j.welcome()));
        }
        session.close();
        // our own session may still hold the name until the server notices the drop
        return joined instanceof JoinResult.Refused refused && !heldByUs(refused.error())
            ? Optional.of(stop(new Outcome.Refused(refused.error()))) : Optional.empty();
      }
    }
  }

  /**
   * Waits {@code wait}; an outcome when the program stopped, or the user quit (interactive)
   * meanwhile.
   */
  private Optional<Outcome> pause(Duration wait, Ending lost) {
    long until = nanoTime.getAsLong() + wait.toNanos();
    synchronized (lock) {
      while (true) {
        if (stopped != null) {
          return finish(new Outcome.Lost(lost, false, outstanding.size()));
        }
        if (leaving != null && options.interactive()) {
          return finish(new Outcome.Quit(outstanding.size()));
        }
        long left = until - nanoTime.getAsLong();
        if (left <= 0 || !waitOn(Duration.ofNanos(left))) {
          return Optional.empty();
        }
      }
    }
  }

  /** Follows our own NICK: a reconnect joins under the name we have now. */
  private void renamed(ServerMessage message) {
    if (message instanceof ServerMessage.Renamed r
        && Names.skeleton(r.oldName()).equals(Names.skeleton(name))) {
      name = r.newName();
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

  private Reopened stop(Outcome outcome) {
    synchronized (lock) {
      finish(outcome);
    }
    return new Reopened.Stop(outcome);
  }

  /** Waits on the lock (held) for at most {@code d}; false when interrupted. */
  private boolean waitOn(Duration d) {
    try {
      lock.wait(Math.max(1, d.toMillis()));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
