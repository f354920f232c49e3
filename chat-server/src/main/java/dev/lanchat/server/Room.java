package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.message.DmStatus;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.RoomSummary;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import dev.lanchat.common.rules.RoomNames;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
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
  /** The one room this server has for now; every room-named message must name it. */
  static final String NAME = RoomNames.GENERAL;
  /** How many rooms a client may be in at once, as WELCOME says: this server has one. */
  static final int ROOMS_PER_CLIENT = 1;
  /** LEFT reason for a member that left with PART. */
  static final String PARTED = ServerMessage.Left.PARTED;
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
  /** Everyone logged in (JOIN answered with WELCOME), by skeleton, whether in the room or not. */
  private final Map<String, Member> present = new LinkedHashMap<>();
  /** Away texts of members that are away. */
  private final Map<Member, String> away = new IdentityHashMap<>();
  private final EventStamps stamps = new EventStamps(NAME);
  private String topic = "";
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
  private List<byte[]> roster;

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
      present.put(member.skeleton(), member);
      offer(member, MessageCodec.encode(new ServerMessage.Welcome(member.name(), info.server(),
          info.motd(), info.rate(), info.burst(), ROOMS_PER_CLIENT)), slow);
      return slow.contains(member) ? new JoinResult.Closed() : new JoinResult.Joined(member);
    });
  }

  /**
   * Enters a logged-in {@code member} into the room: ENTERED and the ROSTER to it, then JOINED
   * to everyone, the member included (its first live event). No history is kept yet, so
   * ENTERED announces none.
   *
   * @return false when it is in the room already (the caller answers ALREADY_IN_ROOM)
   */
  boolean enter(Member member) {
    return event(slow -> {
      if (closed || present.get(member.skeleton()) != member) {
        return true;
      }
      if (isMember(member)) {
        return false;
      }
      members.put(member.skeleton(), member);
      roster = null;
      offer(member, MessageCodec.encode(
          new ServerMessage.Entered(NAME, topic, members.size(), 0, 0)), slow);
      for (byte[] record : rosterRecords()) {
        offer(member, record, slow);
      }
      pending.joined(member);
      changed(slow);
      return true;
    });
  }

  /** True when {@code member} is in the room (entered and not left). */
  boolean isIn(Member member) {
    lock.lock();
    try {
      return isMember(member);
    } finally {
      lock.unlock();
    }
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
    return roomEvent(from, text, h -> new ServerMessage.Chat(h, from.name(), text));
  }

  /** As {@link #say}, for an ACTION ({@code /me}). */
  boolean act(Member from, String text) {
    return roomEvent(from, text, h -> new ServerMessage.Action(h, from.name(), text));
  }

  /** A text event from {@code from}, within the room budget (sized by its text). */
  private boolean roomEvent(Member from, String text,
      Function<dev.lanchat.common.message.EventHeader, ServerMessage.Event> build) {
    return event(slow -> {
      if (!isMember(from)) {
        return true;
      }
      if (!withinBudget(1 + 2 + NAME.length() + 8 + 32 + 8 + 32 + 2 + utf8(from.name()) + 2
          + utf8(text))) {
        return false;
      }
      flush(slow);
      byte[] encoded = MessageCodec.encode(stamps.next(now(), from.key(), build));
      for (Member m : members.values()) {
        offer(m, encoded, slow);
      }
      return true;
    });
  }

  /** Sets the topic ({@code ""} clears it) and sends TOPIC to everyone, the setter included. */
  void topic(Member by, String text) {
    event(slow -> {
      if (isMember(by)) {
        flush(slow);
        topic = text;
        byte[] encoded = MessageCodec.encode(
            stamps.next(now(), by.key(), h -> new ServerMessage.Topic(h, by.name(), text)));
        for (Member m : members.values()) {
          offer(m, encoded, slow);
        }
      }
      return null;
    });
  }

  /** Marks {@code member} away with {@code text}, or back for {@code ""}; shows in ROSTER. */
  void away(Member member, String text) {
    event(slow -> {
      if (present.get(member.skeleton()) == member) {
        if (text.isEmpty()) {
          away.remove(member);
        } else {
          away.put(member, text);
        }
        roster = null;
      }
      return null;
    });
  }

  /** Sends ROOM_LIST (this room, while it has members) to {@code to}. */
  void rooms(Member to) {
    event(slow -> {
      List<RoomSummary> list = members.isEmpty() ? List.of()
          : List.of(new RoomSummary(NAME, members.size(), topic));
      offer(to, MessageCodec.encode(new ServerMessage.RoomList(list)), slow);
      return null;
    });
  }

  /** Relays a member's signed head to the room's other members. */
  void relay(Member from, dev.lanchat.common.chain.SignedHead head) {
    event(slow -> {
      if (isMember(from)) {
        byte[] encoded = MessageCodec.encode(new ServerMessage.SignedHead(head));
        for (Member m : members.values()) {
          if (m != from) {
            offer(m, encoded, slow);
          }
        }
      }
      return null;
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
      if (closed || present.get(from.skeleton()) != from) {
        return true;
      }
      Member target = present.get(Names.skeleton(to));
      if (target == null) {
        return false;
      }
      flush(slow);
      String note = away.getOrDefault(target, "");
      offer(target, MessageCodec.encode(
          new ServerMessage.Dm(now(), from.name(), target.name(), text)), slow);
      if (target != from) {
        offer(from, MessageCodec.encode(new ServerMessage.Dm(lastTime, from.name(),
            target.name(), text, note.isEmpty() ? DmStatus.DELIVERED : DmStatus.AWAY, note)),
            slow);
      }
      return true;
    });
  }

  /** Sends ROSTER (everyone here, in join order) to {@code to}. */
  void who(Member to) {
    event(slow -> {
      if (isMember(to)) {
        flush(slow);
        for (byte[] record : rosterRecords()) {
          offer(to, record, slow); // shared, never changed: every queue may hold the same array
        }
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
      if (closed || present.get(member.skeleton()) != member) {
        return false;
      }
      if (isMember(member)) {
        members.remove(member.skeleton());
        pending.left(member, reason, message);
        changed(slow);
      }
      forget(member);
      return true;
    });
  }

  /**
   * Takes {@code member} out of the room with LEFT "parted" and its PART {@code message}; it
   * stays logged in.
   *
   * @return false when it was not in the room (the caller answers NOT_IN_ROOM)
   */
  boolean part(Member member, String message) {
    return event(slow -> {
      if (!isMember(member)) {
        return false;
      }
      members.remove(member.skeleton());
      roster = null;
      pending.left(member, PARTED, message);
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
      List<Member> all = new ArrayList<>(present.values());
      for (Member m : all) {
        names.release(m.name(), m);
      }
      members.clear();
      present.clear();
      away.clear();
      pending.clear();
      roster = null;
      return all;
    } finally {
      lock.unlock();
    }
  }

  /** The names of everyone logged in, in join order. */
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
   * ROSTER of the room in join order with away texts, split over as many records as it takes,
   * every one but the last marked {@code more}; encoded once per change. Lock held.
   */
  private List<byte[]> rosterRecords() {
    if (roster == null) {
      List<RosterEntry> entries = new ArrayList<>(members.size());
      for (Member m : members.values()) {
        entries.add(new RosterEntry(m.onWire(), away.getOrDefault(m, "")));
      }
      List<byte[]> records = new ArrayList<>();
      int header = 1 + 2 + NAME.length() + 1 + 2;
      int from = 0;
      int size = header;
      for (int i = 0; i < entries.size(); i++) {
        RosterEntry e = entries.get(i);
        int next = 2 + utf8(e.member().name()) + dev.lanchat.common.message.Member.KEY_SIZE + 2
            + utf8(e.away());
        if (size + next > dev.lanchat.common.crypto.CipherState.MAX_PLAINTEXT
            || i - from == 0xFFFF) {
          records.add(MessageCodec.encode(
              new ServerMessage.Roster(NAME, true, entries.subList(from, i))));
          from = i;
          size = header;
        }
        size += next;
      }
      records.add(MessageCodec.encode(
          new ServerMessage.Roster(NAME, false, entries.subList(from, entries.size()))));
      roster = List.copyOf(records);
    }
    return roster;
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
    if (pending.flush(now(), stamps, members.values(),
        (m, encoded) -> offer(m, encoded, slow))) {
      lastFlush = pacing.nanoTime();
    }
  }

  private boolean isMember(Member member) {
    return !closed && members.get(member.skeleton()) == member;
  }

  /** Logs {@code member} out: out of the room and the name registry, no longer away. */
  private void forget(Member member) {
    members.remove(member.skeleton());
    present.remove(member.skeleton());
    away.remove(member);
    roster = null;
    names.release(member.name(), member);
  }

  private List<String> namesInOrder() {
    List<String> list = new ArrayList<>(present.size());
    for (Member m : present.values()) {
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
      if (closed || present.get(m.skeleton()) != m) {
        continue;
      }
      if (isMember(m)) {
        this.pending.left(m, TOO_SLOW, "");
      }
      forget(m);
      removed.add(m);
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
