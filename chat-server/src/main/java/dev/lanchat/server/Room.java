package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A chat room: who is in it, and the single total order of MESSAGE, JOINED and LEFT events
 * (protocol §5). It knows its members only as {@link Subscriber}s, and their names are held in a
 * {@link NameRegistry} that several rooms can share.
 *
 * <p>Thread-safe. One lock is held around each event; inside it the event is stamped, encoded
 * once and offered to every member. Offering never blocks, so nothing waits on a socket while
 * holding the room, and every member's queue receives events in lock order. A member whose
 * backlog is full is removed under the same lock (LEFT "too slow", which may overflow others in
 * turn); it is told so through {@link Subscriber#evicted} only after the lock is released.
 *
 * <p>Two things keep one flood from reaching every member: a {@link ServerConfig.RoomBudget}
 * for SAY across all senders, and ROSTER encoded once per membership change, so WHO costs no
 * new bytes.
 *
 * <p>Membership changes are coalesced (protocol §5.8): they wait in {@link PendingNotices} and go
 * out at most once per {@link NoticePacing#window()}, and always before any other event, so the
 * room's single order is kept. A room that was quiet for a window sends a change at once.
 */
final class Room {
  /** LEFT reason for a client that closed or reset its connection without BYE. */
  static final String CONNECTION_LOST = "connection lost";
  /** LEFT reason for a client that broke the protocol. */
  static final String PROTOCOL_ERROR = "protocol error";
  /** LEFT reason for a joined client that was silent too long. */
  static final String TIMED_OUT = "timed out";
  /** LEFT reason for a client whose outbound backlog overflowed. */
  static final String TOO_SLOW = "too slow";

  private final RoomInfo info;
  private final NameRegistry names;
  private final NameBinder binder;
  private final ReentrantLock lock = new ReentrantLock();
  /** Members by skeleton, in join order. */
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final RateLimiter messageBudget;
  private final RateLimiter byteBudget;
  private final PendingNotices pending = new PendingNotices();
  private final NoticePacing pacing;
  private final long windowNanos;
  private long lastFlush;
  private boolean flushScheduled;
  private boolean closed;
  private long lastTime;
  /** ROSTER as sent, encoded once per membership change; null after a change. */
  private byte[] roster;

  /**
   * @param info what every WELCOME carries besides the member list
   * @param names the server-wide names registry this room claims its members' names in
   * @param binder which key owns which name across sessions (the server's store)
   * @param budget what the room carries for everyone together
   * @param nanoClock a monotonic clock for the budget, {@link System#nanoTime} outside tests
   * @param pacing when membership notices go out
   */
  Room(RoomInfo info, NameRegistry names, NameBinder binder, ServerConfig.RoomBudget budget,
      LongSupplier nanoClock, NoticePacing pacing) {
    this.info = info;
    this.names = names;
    this.binder = binder;
    this.pacing = pacing;
    this.windowNanos = pacing.window().toNanos();
    this.lastFlush = pacing.nanoTime() - windowNanos;
    this.messageBudget =
        new RateLimiter(budget.messagesPerSecond(), budget.messageBurst(), nanoClock);
    this.byteBudget = new RateLimiter(budget.bytesPerSecond(), budget.byteBurst(), nanoClock);
  }

  /** A room with a room-wide budget that sends every membership change at once. */
  Room(RoomInfo info, NameRegistry names, NameBinder binder, ServerConfig.RoomBudget budget,
      LongSupplier nanoClock) {
    this(info, names, binder, budget, nanoClock, NoticePacing.immediate());
  }

  /**
   * A room with a room-wide budget whose names are bound to no store and that sends every
   * membership change at once.
   */
  Room(RoomInfo info, NameRegistry names, ServerConfig.RoomBudget budget, LongSupplier nanoClock) {
    this(info, names, NameBinder.NONE, budget, nanoClock);
  }

  /** A room without a room-wide budget that sends every membership change at once. */
  Room(RoomInfo info, NameRegistry names, NameBinder binder) {
    this(info, names, binder, ServerConfig.RoomBudget.UNLIMITED, System::nanoTime);
  }

  /**
   * A room without a room-wide budget whose names are bound to no store and whose membership
   * notices are paced by {@code pacing}.
   */
  Room(RoomInfo info, NameRegistry names, NoticePacing pacing) {
    this(info, names, NameBinder.NONE, ServerConfig.RoomBudget.UNLIMITED, System::nanoTime,
        pacing);
  }

  /**
   * A room without a room-wide budget whose names are bound to no store and that sends every
   * membership change at once.
   */
  Room(RoomInfo info, NameRegistry names) {
    this(info, names, NameBinder.NONE);
  }

  /**
   * Joins {@code subscriber}, which proved {@code key}, as {@code name}: WELCOME to it, JOINED
   * to every other member. Refusals change nothing and send nothing: the caller answers them.
   */
  JoinResult join(Subscriber subscriber, String name, ByteString key) {
    Optional<String> problem = Names.problem(name);
    if (problem.isPresent()) {
      return new JoinResult.NameInvalid(problem.get());
    }
    Member member = new Member(name, key, subscriber);
    return event(slow -> {
      if (closed) {
        return new JoinResult.Closed();
      }
      Optional<JoinResult> refused = claim(member);
      if (refused.isPresent()) {
        return refused.get();
      }
      members.put(member.skeleton(), member);
      roster = null;
      welcome(member, slow);
      pending.joined(member);
      changed(slow);
      return slow.contains(member) ? new JoinResult.Closed() : new JoinResult.Joined(member);
    });
  }

  /**
   * Claims the member's name in the order of protocol §5.1: not bound to another key, then not
   * held by a joined client, then bound to the member's key. Lock held, so no other join runs
   * between the store's answer and the claim.
   *
   * @return the refusal, or empty when the name is the member's now
   */
  private Optional<JoinResult> claim(Member member) {
    String name = member.name();
    Optional<JoinResult> unbound = refusal(binder.check(name, member.key()));
    if (unbound.isPresent()) {
      return unbound;
    }
    if (names.claim(name, member) instanceof NameRegistry.Claim.Taken taken) {
      return Optional.of(new JoinResult.NameTaken(taken.holder()));
    }
    Optional<JoinResult> bound = refusal(binder.bind(name, member.key()));
    if (bound.isPresent()) { // an admin command reserved it meanwhile, or the store failed
      names.release(name, member);
    }
    return bound;
  }

  private static Optional<JoinResult> refusal(NameBinder.Verdict verdict) {
    return switch (verdict) {
      case NameBinder.Verdict.Yours y -> Optional.empty();
      case NameBinder.Verdict.BoundToOther o -> Optional.of(new JoinResult.NameBound());
      case NameBinder.Verdict.Unavailable u -> Optional.of(new JoinResult.Unavailable());
    };
  }

  /**
   * Delivers a checked SAY from {@code from} as one MESSAGE to every member, sender included,
   * if the room budget allows it.
   *
   * @return false when the room budget refused it (nothing was sent; the caller answers
   *     RATE_LIMITED)
   */
  boolean say(Member from, String text) {
    return event(slow -> {
      if (!isMember(from)) {
        return true;
      }
      byte[] encoded = MessageCodec.encode(new ServerMessage.Chat(now(), from.name(), text));
      if (!withinBudget(encoded.length)) {
        return false;
      }
      flush(slow);
      for (Member m : members.values()) {
        offer(m, encoded, slow);
      }
      return true;
    });
  }

  /**
   * Delivers a checked DM to the member whose name has the skeleton of {@code to}, and echoes it
   * to the sender, both with canonical names.
   *
   * @return false when nobody here has that name (the caller answers NO_SUCH_USER)
   */
  boolean dm(Member from, String to, String text) {
    return event(slow -> {
      if (!isMember(from)) {
        return true;
      }
      Member target = members.get(Names.skeleton(to));
      if (target == null) {
        return false;
      }
      flush(slow);
      byte[] dm =
          MessageCodec.encode(new ServerMessage.Dm(now(), from.name(), target.name(), text));
      offer(target, dm, slow);
      if (target != from) {
        offer(from, dm, slow);
      }
      return true;
    });
  }

  /** Sends ROSTER (everyone here, in join order) to {@code to}. */
  void who(Member to) {
    event(slow -> {
      if (isMember(to)) {
        flush(slow);
        if (roster == null) {
          roster = MessageCodec.encode(new ServerMessage.Roster(membersInOrder()));
        }
        offer(to, roster, slow); // shared, never changed: every queue may hold the same array
      }
      return null;
    });
  }

  /**
   * Removes {@code member} and tells every other member LEFT with {@code reason}. Does nothing if
   * it already left, so each member leaves exactly once.
   *
   * @return true if this call removed it
   */
  boolean leave(Member member, String reason) {
    return leave(member, reason, "");
  }

  /**
   * As {@link #leave(Member, String)}, with the parting line of the member's BYE ({@code ""} for
   * none), already checked against {@link dev.lanchat.common.rules.Texts#isValidShortText}.
   */
  boolean leave(Member member, String reason, String message) {
    return event(slow -> {
      if (!isMember(member)) {
        return false;
      }
      remove(member);
      pending.left(member, reason, message);
      changed(slow);
      return true;
    });
  }

  /**
   * Closes the room for a server shutdown: no more joins, no more events, and every member is
   * forgotten without LEFT (each client gets BYE instead).
   *
   * @return the members that were in it
   */
  List<Member> close() {
    lock.lock();
    try {
      closed = true;
      List<Member> all = new ArrayList<>(members.values());
      for (Member m : all) {
        names.release(m.name(), m);
      }
      members.clear();
      pending.clear();
      roster = null;
      return all;
    } finally {
      lock.unlock();
    }
  }

  /** The names of everyone here, in join order. */
  List<String> roster() {
    lock.lock();
    try {
      return namesInOrder();
    } finally {
      lock.unlock();
    }
  }

  /** True when the calling thread holds the room lock (for assertions in tests). */
  boolean isLockedByCurrentThread() {
    return lock.isHeldByCurrentThread();
  }

  /**
   * Runs {@code action} under the lock with a list to collect members whose backlog overflowed,
   * removes those (and any that the LEFT notices overflow in turn), then, after unlocking, tells
   * each removed member. Every event goes through here, so the cascade exists once.
   */
  private <T> T event(Function<List<Member>, T> action) {
    List<Member> slow = new ArrayList<>();
    List<Member> removed;
    T result;
    lock.lock();
    try {
      result = action.apply(slow);
      removed = removeSlow(slow);
    } finally {
      lock.unlock();
    }
    for (Member m : removed) {
      m.evicted(TOO_SLOW);
    }
    return result;
  }

  /**
   * WELCOME to a new member with everyone here; members past what one record holds follow in
   * MEMBERS_CHANGED records marked as the rest of the WELCOME. Lock held.
   */
  private void welcome(Member member, List<Member> slow) {
    List<dev.lanchat.common.message.Member> all = membersInOrder();
    int size = 1 + 2 + 2 + 2 + 4 + 4 + 2 + utf8(member.name()) + utf8(info.server())
        + utf8(info.motd());
    int fit = 0;
    while (fit < all.size()) {
      size += 2 + utf8(all.get(fit).name()) + dev.lanchat.common.message.Member.KEY_SIZE;
      if (size > dev.lanchat.common.crypto.CipherState.MAX_PLAINTEXT || fit == 0xFFFF) {
        break;
      }
      fit++;
    }
    offer(member, MessageCodec.encode(new ServerMessage.Welcome(member.name(), info.server(),
        info.motd(), info.rate(), info.burst(), all.subList(0, fit))), slow);
    if (fit < all.size()) {
      List<MemberChange> rest = new ArrayList<>(all.size() - fit);
      for (dev.lanchat.common.message.Member m : all.subList(fit, all.size())) {
        rest.add(new MemberChange.Joined(m));
      }
      for (byte[] encoded : PendingNotices.encode(now(), true, rest)) {
        offer(member, encoded, slow);
      }
    }
  }

  private static int utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  /**
   * After a membership change was recorded: sends what waits now if the room was quiet for a
   * window, else makes sure a timer will. Lock held.
   */
  private void changed(List<Member> slow) {
    if (pacing.nanoTime() - lastFlush >= windowNanos) {
      flush(slow);
    } else {
      scheduleFlush();
    }
  }

  /** Starts the timer that flushes at the end of the current window, unless one runs. */
  private void scheduleFlush() {
    if (flushScheduled || pending.isEmpty()) {
      return;
    }
    flushScheduled = true;
    long delay = Math.max(0, lastFlush + windowNanos - pacing.nanoTime());
    pacing.after(delay, () -> event(slow -> {
      flushScheduled = false;
      if (!closed) {
        flush(slow);
      }
      return null;
    }));
  }

  /** Sends every waiting membership change to the members that have not seen it. Lock held. */
  private void flush(List<Member> slow) {
    if (pending.isEmpty()) {
      return;
    }
    if (pending.flush(now(), members.values(), (m, encoded) -> offer(m, encoded, slow))) {
      lastFlush = pacing.nanoTime();
    }
  }

  private boolean isMember(Member member) {
    return !closed && members.get(member.skeleton()) == member;
  }

  private void remove(Member member) {
    members.remove(member.skeleton());
    roster = null;
    names.release(member.name(), member);
  }

  private List<dev.lanchat.common.message.Member> membersInOrder() {
    List<dev.lanchat.common.message.Member> list = new ArrayList<>(members.size());
    for (Member m : members.values()) {
      list.add(m.onWire());
    }
    return list;
  }

  private List<String> namesInOrder() {
    List<String> list = new ArrayList<>(members.size());
    for (Member m : members.values()) {
      list.add(m.name());
    }
    return list;
  }

  /**
   * Takes one message and {@code bytes} from the room budget, or neither. Lock held.
   */
  private boolean withinBudget(int bytes) {
    if (!byteBudget.tryAcquire(0)) {
      return false; // in debt from a large message: wait before taking a message token
    }
    if (!messageBudget.tryAcquire()) {
      return false;
    }
    return byteBudget.tryAcquire(bytes);
  }

  /** Server time for the next event, never earlier than the previous one. Lock held. */
  private long now() {
    lastTime = Math.max(lastTime, System.currentTimeMillis());
    return lastTime;
  }

  /** Offers to one member; a full one goes to {@code slow} (once). Lock held. */
  private static void offer(Member m, byte[] encoded, List<Member> slow) {
    if (!m.offer(encoded) && !slow.contains(m)) {
      slow.add(m);
    }
  }

  /**
   * Removes every member in {@code slow} with LEFT "too slow", which waits with the other
   * membership changes; a flush of those may overflow another member, removed in turn. Lock
   * held.
   *
   * @return the members removed, in removal order
   */
  private List<Member> removeSlow(List<Member> slow) {
    List<Member> removed = new ArrayList<>();
    ArrayDeque<Member> pending = new ArrayDeque<>(slow);
    while (!pending.isEmpty()) {
      Member m = pending.poll();
      if (!isMember(m)) {
        continue;
      }
      remove(m);
      removed.add(m);
      this.pending.left(m, TOO_SLOW, "");
      if (windowNanos == 0) {
        int before = slow.size();
        flush(slow);
        pending.addAll(slow.subList(before, slow.size()));
      }
    }
    scheduleFlush();
    return removed;
  }
}
