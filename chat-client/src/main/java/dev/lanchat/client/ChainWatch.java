package dev.lanchat.client;

import dev.lanchat.common.message.ChainEvents;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHash;
import dev.lanchat.common.chain.ChainHead;
import dev.lanchat.common.chain.ChainOutcome;
import dev.lanchat.common.chain.HeadComparison;
import dev.lanchat.common.chain.HeadSigningSchedule;
import dev.lanchat.common.chain.RoomChain;
import dev.lanchat.common.chain.RoomEvent;
import dev.lanchat.common.chain.SignedHead;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.trust.KnownPeers;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The client's watch over its rooms' chains (issue 18), for the life of the program: it feeds
 * every room event it receives (live, history and catch-up alike; a MEMBERS_CHANGED as its
 * changes, with the heads between them computed here) to a {@link RoomChain}, warns on every
 * break, signs each room's head at most once a minute when it moved and sends it as
 * SIGNED_HEAD, and checks the signed heads other members send. It survives reconnects: each new
 * session only {@linkplain #connected hands it} a new way to send.
 *
 * <p>Thread-safe: the session's reader feeds it, the input thread asks for heads, and its own
 * timer thread signs and sends, so that the reader never waits on a full send queue.
 */
final class ChainWatch implements AutoCloseable {
  /** How often the timer looks for heads to sign: a quiet room's last head gets signed too. */
  static final Duration TICK = Duration.ofSeconds(1);

  /** Most signer names remembered: a hostile server's endless JOINED must not grow us. */
  private static final int MAX_NAMES = 10_000;

  private final Identity identity;
  private final Console console;
  private final KnownPeers known;
  private final RoomChain chain = new RoomChain();
  private final HeadSigningSchedule schedule;
  private final Set<String> rooms = ConcurrentHashMap.newKeySet();
  private final Map<ByteString, String> names = new ConcurrentHashMap<>();
  private final Set<ByteString> unpinnedWarned = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean signingAsked = new AtomicBoolean();
  private final ScheduledExecutorService timer;
  private final Executor signing;
  private volatile Consumer<ClientMessage> link = message -> { };
  private volatile byte[] serverKey = new byte[0];

  /**
   * A watch signing with {@code identity}, warning on {@code console} (as problems), checking
   * signers against {@code known} and reading time from {@code clock}. With a {@code tick}, its
   * own thread looks for heads to sign every tick; without one (tests), it signs after each
   * event on the thread that fed it, and {@link #signDue} is the timer.
   */
  ChainWatch(Identity identity, Console console, KnownPeers known, InstantSource clock,
      Optional<Duration> tick) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.console = Objects.requireNonNull(console, "console");
    this.known = Objects.requireNonNull(known, "known");
    this.schedule = new HeadSigningSchedule(clock);
    this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, "lanchat-signed-heads");
      t.setDaemon(true); // a watch the program forgets to close never keeps the JVM alive
      return t;
    });
    tick.ifPresent(t -> timer.scheduleWithFixedDelay(this::signDueOrSay, t.toMillis(),
        t.toMillis(), TimeUnit.MILLISECONDS));
    // with a timer, it alone signs (every tick, so at most a tick after the head moved): a
    // SIGNED_HEAD written right after each burst of events would race the session's own writes
    this.signing = tick.isPresent() ? task -> { } : Runnable::run;
  }

  /** A watch with the system clock and the standard {@link #TICK}. */
  ChainWatch(Identity identity, Console console, KnownPeers known) {
    this(identity, console, known, InstantSource.system(), Optional.of(TICK));
  }

  /** A new session is live: signed heads go out through {@code send} from now on. */
  void connected(byte[] serverKey, Consumer<ClientMessage> send) {
    this.serverKey = serverKey.clone();
    this.link = Objects.requireNonNull(send, "send");
  }

  /**
   * Follows what this client is about to send: an ENTER with {@code since} 0 starts the room's
   * chain afresh (the server sends context, not a catch-up), and a PART forgets the room.
   */
  void sent(ClientMessage message) {
    switch (message) {
      case ClientMessage.Enter enter when enter.since() == 0 -> forget(enter.room());
      case ClientMessage.Part part -> forget(part.room());
      default -> { }
    }
  }

  /** Follows one message from the server, on the session's reader thread. */
  void received(ServerMessage message) {
    switch (message) {
      case ServerMessage.Entered entered -> entered(entered);
      case ServerMessage.Roster roster -> roster.members().forEach(m -> name(m.key(), m.name()));
      case ServerMessage.MembersChanged changed -> membersChanged(changed);
      case ServerMessage.Event event -> {
        switch (event) {
          case ServerMessage.Joined j -> name(j.member().key(), j.member().name());
          case ServerMessage.Renamed r -> name(r.event().sender(), r.newName());
          default -> { }
        }
        accept(ChainEvents.of(event), event.event().head());
      }
      case ServerMessage.SignedHead signed -> compare(signed.head());
      default -> { }
    }
  }

  /** The room's current head, or empty when this client is not in it or saw no event yet. */
  Optional<ChainHead> head(String room) {
    return chain.head(room);
  }

  /** The id of the room's latest break, if its chain ever broke. */
  OptionalLong lastBreak(String room) {
    return chain.lastBreak(room);
  }

  /** True when this client follows {@code room}'s chain (it entered the room). */
  boolean follows(String room) {
    return rooms.contains(room);
  }

  /** Signs and sends every room head the schedule allows now; the timer's task. */
  void signDue() {
    signingAsked.set(false);
    for (String room : rooms) {
      chain.head(room).ifPresent(head -> {
        if (schedule.decide(head) instanceof HeadSigningSchedule.Decision.Sign sign) {
          link.accept(new ClientMessage.SignedHead(SignedHead.sign(identity, sign.head())));
        }
      });
    }
  }

  /**
   * {@link #signDue} for the timer: a scheduled task that throws is never run again, so a
   * failure is shown (the kind of failure only) and the timer goes on.
   */
  private void signDueOrSay() {
    try {
      signDue();
    } catch (RuntimeException e) {
      console.problem("! could not sign a room head this time (" + e.getClass().getSimpleName()
          + "); the next try is in " + TICK.toSeconds() + " s");
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  private void entered(ServerMessage.Entered entered) {
    String room = entered.room();
    try {
      chain.join(room);
      rooms.add(room);
    } catch (IllegalStateException tooMany) {
      console.problem("! the room chain of " + room + " is not checked: this client already"
          + " checks " + RoomChain.DEFAULT_MAX_ROOMS + " rooms");
      return;
    }
    if (entered.skipped() > 0) {
      chain.expectSkip(room, entered.skipped()); // announced by the server: not a gap
    }
  }

  private void forget(String room) {
    rooms.remove(room);
    chain.leave(room);
    schedule.forget(room);
  }

  /**
   * Feeds a MEMBERS_CHANGED change by change. The message carries only the head after its last
   * change; the heads between are chained here from ours, so they are checked by that last one.
   * When our chain does not end right before the first change (a gap, or a room's first
   * events seen), the changes before the last cannot be hashed and only the last is fed.
   */
  private void membersChanged(ServerMessage.MembersChanged changed) {
    for (MemberChange change : changed.changes()) {
      if (change instanceof MemberChange.Joined j) {
        name(j.member().key(), j.member().name());
      }
    }
    List<RoomEvent> events = ChainEvents.of(changed);
    Optional<ByteString> base = chain.head(changed.room())
        .filter(h -> h.id() + 1 == changed.firstId()).map(ChainHead::head)
        .or(() -> changed.firstId() == 1 && follows(changed.room())
            ? Optional.of(ChainHash.genesis(changed.room()).head()) : Optional.empty());
    if (base.isPresent()) {
      ByteString head = base.get();
      for (RoomEvent event : events.subList(0, events.size() - 1)) {
        head = ChainHash.next(head, event);
        accept(event, head);
      }
    }
    accept(events.getLast(), changed.head());
  }

  private void accept(RoomEvent event, ByteString head) {
    ChainOutcome outcome = chain.accept(event, head);
    ChainWarnings.of(outcome).ifPresent(console::problem);
    if (!(outcome instanceof ChainOutcome.OutOfOrder || outcome instanceof ChainOutcome.NotJoined)
        && signingAsked.compareAndSet(false, true)) {
      try {
        // on the timer's thread: sending may wait on a full queue, the reader must not
        signing.execute(this::signDueOrSay);
      } catch (RejectedExecutionException closed) {
        signingAsked.set(false); // the program is ending: nothing more is signed
      }
    }
  }

  private void compare(SignedHead signed) {
    HeadComparison comparison = chain.compare(signed);
    Optional<String> signer = Optional.ofNullable(names.get(signed.signer()));
    ChainWarnings.of(comparison, signer).ifPresent(console::problem);
    if (comparison instanceof HeadComparison.BadSignature || signer.isEmpty()) {
      return;
    }
    if (known.check(serverKey, signer.get(), signed.signer().toByteArray())
        instanceof KnownPeers.Check.Changed && unpinnedWarned.size() < MAX_NAMES
        && unpinnedWarned.add(signed.signer())) {
      console.problem(ChainWarnings.unpinned(signed.room(), signed.id(), signer.get(),
          signed.signer()));
    }
  }

  private void name(ByteString key, String name) {
    if (names.size() < MAX_NAMES || names.containsKey(key)) {
      names.put(key, name);
    }
  }
}
