package dev.lanchat.client.session;

import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps a conversation going across connections: when a joined session is lost (not by our
 * goodbye), it opens new ones ({@link Redial}, waiting as {@link Backoff} says) until one joins
 * under the same name, checking the server's key again each time (a changed key is refused as
 * at first connect); it enters the rooms again from the last event seen ({@link RoomCursors}),
 * and hands the new session whatever the server had not confirmed ({@link Outstanding}), then
 * what was typed meanwhile, in order.
 * Events shown once are never shown again. It prints nothing: the program hears of it through
 * {@link Events} and the {@link ConversationEnd}.
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

  private final Options options;
  private final Redial redial;
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
    this.name = Objects.requireNonNull(name, "name");
    this.options = Objects.requireNonNull(options, "options");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.redial = new Redial(Objects.requireNonNull(settings, "settings").withoutJoinCode(),
        trust, options.giveUpAfter(), backoff, nanoTime);
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
  public ConversationEnd run(Session first, List<ClientMessage> opening, Events events) {
    return run(first, opening, rooms::entered, events);
  }

  /**
   * {@link #run(Session, List, Events)}, entering again after a loss the rooms {@code joined}
   * names then (the rooms the user is in, as the program keeps them).
   */
  public ConversationEnd run(Session first, List<ClientMessage> opening,
      Supplier<List<String>> joined, Events events) {
    return run(first, List::of, opening, joined, events);
  }

  /**
   * {@link #run(Session, List, Supplier, Events)}, sending what {@code greeting} gives before
   * anything else on every session (our end-to-end key, published after each WELCOME).
   */
  public ConversationEnd run(Session first, Supplier<List<ClientMessage>> greeting,
      List<ClientMessage> opening, Supplier<List<String>> joined, Events events) {
    Objects.requireNonNull(greeting, "greeting");
    Objects.requireNonNull(joined, "joined");
    Objects.requireNonNull(events, "events");
    Session session = first;
    List<ClientMessage> enter = greeted(greeting, opening);
    // the ENTERs are ours, not the user's: they go first and are never resent as such
    while (true) {
      Ending ending = converse(session, enter, events);
      Optional<ConversationEnd> end = ended(ending);
      if (end.isPresent()) {
        return end.get();
      }
      events.lost(ending);
      Ending lost = ending;
      switch (redial.run(name, lost, outstanding::size, wait -> pause(wait, lost))) {
        case Redial.Result.Stop stop -> {
          synchronized (lock) {
            finish(stop.outcome());
          }
          return stop.outcome();
        }
        case Redial.Result.Back back -> {
          session = back.session();
          name = back.welcome().name();
          events.reconnected(back.welcome());
          enter = greeted(greeting, rooms.reentries(opening, joined.get()));
        }
      }
    }
  }

  private static List<ClientMessage> greeted(Supplier<List<ClientMessage>> greeting,
      List<ClientMessage> enter) {
    List<ClientMessage> all = new java.util.ArrayList<>(greeting.get());
    all.addAll(enter);
    return List.copyOf(all);
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
  private Optional<ConversationEnd> ended(Ending ending) {
    synchronized (lock) {
      if (ending instanceof Ending.Left) {
        return finish(new ConversationEnd.Left());
      }
      if (stopped != null || options.never()) {
        return finish(new ConversationEnd.Lost(ending, false, outstanding.size()));
      }
      if (leaving != null && options.interactive()) {
        return finish(new ConversationEnd.Quit(outstanding.size()));
      }
      return Optional.empty();
    }
  }

  private Optional<ConversationEnd> finish(ConversationEnd outcome) {
    over = true;
    lock.notifyAll();
    return Optional.of(outcome);
  }

  /**
   * Waits {@code wait}; an outcome when the program stopped, or the user quit (interactive)
   * meanwhile.
   */
  private Optional<ConversationEnd> pause(Duration wait, Ending lost) {
    long until = nanoTime.getAsLong() + wait.toNanos();
    synchronized (lock) {
      while (true) {
        if (stopped != null) {
          return finish(new ConversationEnd.Lost(lost, false, outstanding.size()));
        }
        if (leaving != null && options.interactive()) {
          return finish(new ConversationEnd.Quit(outstanding.size()));
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
