package dev.lanchat.server;

import dev.lanchat.common.e2e.RoomMessage;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.server.store.AppendResult;
import dev.lanchat.server.store.EventEncoder;
import dev.lanchat.server.store.RoomEventDraft;
import dev.lanchat.server.store.RoomLog;
import dev.lanchat.server.store.StoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chat room: who is in it, and its single total order of events (protocol "Rooms", "Event
 * envelope"). It knows its members only as {@link Member}s, which reach their connections only
 * through a {@link Subscriber}.
 *
 * <p>Thread-safe. One lock is held around each event: inside it the event is appended to the
 * {@link RoomLog} (which gives it its id and chain head and keeps it) and only then offered, as
 * the very bytes kept, to every member. A store failure sends nothing. Offering never blocks, so
 * nothing waits on a socket while holding the room; a member whose backlog is full is removed
 * under the same lock (LEFT "too slow", which may overflow others in turn) and told so through
 * {@link Member#evicted} only after the lock is released. Members' lines that arrive while
 * the lock is held wait in {@link WaitingLines}, and the next holder stores all of them in one
 * transaction before offering each in turn (group commit): the ids, the chain and every
 * member's order are as if they had come one at a time.
 *
 * <p>Membership changes are coalesced (protocol §5.8): they wait in {@link NoticeFlush} and
 * go out (stored first, all with the flush's time) at most once per {@link
 * NoticePacing#window()}, and always before any other event of the room. The ROSTER records
 * are kept encoded by {@link RoomRoster}. The ROSTER an
 * entering member gets lists everyone at its ENTER, itself included, so the changes that were
 * still waiting, which reach it live just before its own JOINED, are in that ROSTER already.
 * A room whose last
 * member leaves stores what waits at once, then is gone: its registry drops it, and entering the
 * name again makes a new room that continues the stored ids, head and topic.
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
  /** LEFT reason: the member's key was taken off the allowlist while it was here. */
  static final String NOT_ALLOWED = "no longer allowed";
  /** LEFT reason for a member that left the room with PART. */
  static final String PARTED = ServerMessage.Left.PARTED;

  private static final Logger log = LoggerFactory.getLogger(Room.class);

  /** How many times in a row one thread takes the waiting lines before handing on. */
  private static final int STORE_PASSES = 2;

  private final String name;
  private final String key;
  private final boolean endToEnd;
  private final RoomLog history;
  private final Consumer<Room> emptied;
  private final ReentrantLock lock = new ReentrantLock();
  /** Members in join order; a member is equal only to itself. */
  private final Set<Member> members = new LinkedHashSet<>();
  private final RateLimiter messageBudget;
  private final RateLimiter byteBudget;
  private final NoticeFlush notices;
  private final RoomRoster roster;
  private final RoomEntry entry;
  private final WaitingLines waiting = new WaitingLines();
  private boolean closed;
  /** The last member left and the registry dropped this room; a new one takes its name. */
  private boolean gone;
  private long lastTime;
  private String topic;

  /**
   * @param name the room's name as the store spells it (the spelling that created it)
   * @param topic its topic as the store keeps it
   * @param endToEnd whether it is end-to-end (its members' lines come as E2E_SAY only)
   * @param history where its events are numbered, chained and kept
   * @param budget what the room carries for everyone together
   * @param nanoClock a monotonic clock for the budget, {@link System#nanoTime} outside tests
   * @param pacing when membership notices go out
   * @param emptied told (under the room's lock) when the last member has left: the room is gone
   */
  Room(String name, String topic, boolean endToEnd, RoomLog history,
      ServerConfig.RoomBudget budget, LongSupplier nanoClock, NoticePacing pacing,
      Consumer<Room> emptied) {
    this.name = name;
    this.endToEnd = endToEnd;
    this.key = dev.lanchat.common.rules.RoomNames.skeleton(name);
    this.topic = topic;
    this.history = history;
    this.emptied = emptied;
    this.notices = new NoticeFlush(name, history, pacing, members::size);
    this.roster = new RoomRoster(name);
    this.messageBudget =
        new RateLimiter(budget.messagesPerSecond(), budget.messageBurst(), nanoClock);
    this.byteBudget = new RateLimiter(budget.bytesPerSecond(), budget.byteBurst(), nanoClock);
    this.entry = new RoomEntry(history);
  }

  /** The room's name, as the member who created it spelled it. */
  String name() {
    return name;
  }

  /** Whether the room is end-to-end: fixed when it was made, never changed. */
  boolean endToEnd() {
    return endToEnd;
  }

  /** The room's skeleton: the key it is registered and stored under. */
  String key() {
    return key;
  }

  /**
   * Lets {@code member} in: ENTERED, the ROSTER records and the history (the last 20 events
   * for {@code since} 0, else everything after {@code since}, at most 1,000) to it, then its
   * JOINED, the first live event, to everyone (coalesced with other changes).
   */
  RoomResult enter(Member member, long since) {
    return event(slow -> {
      if (closed || emptiedAlready()) {
        return new RoomResult.Gone();
      }
      if (members.contains(member)) {
        return new RoomResult.AlreadyIn();
      }
      RoomEntry.Replay replay;
      try {
        replay = entry.replay(name, since);
      } catch (StoreException e) {
        log.warn("cannot read the history of {}: {}", name, e.getMessage());
        return new RoomResult.StoreFailed();
      }
      add(member);
      // everyone here now, itself included: the changes that wait (and come live, before its
      // own JOINED) are in it already
      List<byte[]> rosterNow = roster();
      List<byte[]> live = List.of();
      if (notices.windowPassed()) {
        try {
          live = notices.store(now());
        } catch (StoreException e) { // its JOINED has no id: it did not enter
          log.warn("cannot store a JOINED in {}: {}", name, e.getMessage());
          remove(member);
          return new RoomResult.StoreFailed();
        }
      } else {
        scheduleFlush();
      }
      offer(member, MessageCodec.encode(new ServerMessage.Entered(name, topic, members.size(),
          replay.events().size(), replay.skipped(), endToEnd)), slow);
      rosterNow.forEach(r -> offer(member, r, slow));
      replay.events().forEach(e -> offer(member, e.encoded().toByteArray(), slow));
      fanOut(live, slow);
      return new RoomResult.Entered();
    });
  }

  /**
   * Sends a checked SAY ({@code action} false) or ME from {@code from} with its client message
   * id to every member, sender included, if the room budget allows it and the store keeps it;
   * a repeated id is dropped. Returns at once: {@code reply} is told the outcome.
   */
  void say(Member from, long clientId, String text, boolean action, LineReply reply) {
    line(from, clientId, (h, by) -> action
        ? new ServerMessage.Action(h, by, text) : new ServerMessage.Chat(h, by, text), reply);
  }

  /**
   * Sends an end-to-end line from {@code from} (E2E_MESSAGE, payload {@code from ‖
   * room_message}) with its client message id to every member, sender included, as {@link #say}
   * does; the room holds only the sealed bytes it was given.
   */
  void sealedSay(Member from, long clientId, RoomMessage message, LineReply reply) {
    line(from, clientId, (h, by) -> new ServerMessage.E2eMessage(h, by, message), reply);
  }

  /**
   * A member's line with its client message id, built by {@code build} from the envelope and
   * the sender's name: charged to the room budget, stored, then sent to every member. It waits
   * in {@link WaitingLines}; whoever holds the lock first stores it with every other line
   * waiting then, and tells {@code reply}.
   */
  private void line(Member from, long clientId,
      BiFunction<EventHeader, String, ServerMessage.Event> build, LineReply reply) {
    waiting.add(from, clientId, build, reply);
    storeWaitingLines();
  }

  /**
   * While lines wait and the lock is free, takes it and stores them, at most {@link
   * #STORE_PASSES} times; if lines still wait then, a new thread goes on with them. Every holder
   * of the lock calls this after releasing it, and a line's sender calls it after queuing the
   * line, so a line never waits for a lock nobody will take: whoever held the lock when it was
   * queued looks again after letting go. The bound keeps one connection's reader from storing
   * everyone's lines, instead of reading its own client, for as long as others keep sending.
   */
  private void storeWaitingLines() {
    for (int pass = 0; waiting.any(); pass++) {
      if (pass == STORE_PASSES) {
        Thread.ofVirtual().name("lanchat-room-lines").start(this::storeWaitingLines);
        return;
      }
      if (!lock.tryLock()) {
        return; // its holder looks again after letting go
      }
      locked(slow -> {
        List<WaitingLines.Line> taken = waiting.take();
        try {
          appendLines(taken, slow);
        } finally {
          taken.forEach(line -> line.tell(error -> offer(line.from(), error, slow)));
        }
        return null;
      });
    }
  }

  /**
   * Checks each line (its sender is here, the room budget allows it), stores the ones that pass
   * in one transaction, offers each stored one to every member in order, and answers every
   * line. Lock held.
   */
  private void appendLines(List<WaitingLines.Line> lines, List<Member> slow) {
    flush(slow);
    List<WaitingLines.Line> drafted = new ArrayList<>(lines.size());
    List<RoomEventDraft> drafts = new ArrayList<>(lines.size());
    List<EventEncoder> encoders = new ArrayList<>(lines.size());
    for (WaitingLines.Line line : lines) {
      if (!isMember(line.from())) {
        line.answer(new RoomResult.NotMember());
        continue;
      }
      String by = line.from().name();
      EventDraft draft = EventDraft.of(name, now(), line.from().key(),
          OptionalLong.of(line.clientId()), h -> line.build(h, by));
      if (!withinBudget(draft.payloadSize())) {
        line.answer(new RoomResult.Busy());
        continue;
      }
      drafted.add(line);
      drafts.add(draft.draft());
      encoders.add(draft.encoder());
    }
    if (drafted.isEmpty()) {
      return;
    }
    List<AppendResult> results;
    try {
      results = history.appendEach(drafts, encoders);
    } catch (StoreException e) {
      log.warn("cannot store {} line(s) of {}: {}", drafted.size(), name, e.getMessage());
      drafted.forEach(line -> line.answer(new RoomResult.StoreFailed()));
      return;
    }
    List<OutboundRecord> stored = new ArrayList<>(drafted.size());
    for (AppendResult result : results) {
      if (result instanceof AppendResult.Appended a) {
        stored.add(new OutboundRecord(a.event().encoded().toByteArray()));
      }
    }
    if (!stored.isEmpty()) {
      for (Member m : members) {
        if (!m.offerAll(stored) && !slow.contains(m)) {
          slow.add(m);
        }
      }
    }
    for (int i = 0; i < drafted.size(); i++) { // told once stored and offered
      drafted.get(i).answer(switch (results.get(i)) {
        case AppendResult.Appended a -> new RoomResult.Done();
        case AppendResult.Repeat r -> new RoomResult.Repeat();
      });
    }
  }

  /** Sets the topic ({@code ""} clears it) and sends TOPIC to every member, setter included. */
  RoomResult topic(Member by, String newTopic) {
    return event(slow -> {
      if (!isMember(by)) {
        return new RoomResult.NotMember();
      }
      String who = by.name();
      EventDraft draft = EventDraft.of(name, now(), by.key(), OptionalLong.empty(),
          h -> new ServerMessage.Topic(h, who, newTopic));
      RoomResult result = append(draft, slow, true, newTopic);
      if (result instanceof RoomResult.Done) {
        topic = newTopic;
      }
      return result;
    });
  }

  /**
   * Sends RENAMED (the member once called {@code old} is now called by its current name) to
   * every member, the renamed one included.
   */
  RoomResult renamed(Member member, String old) {
    return event(slow -> {
      if (!isMember(member)) {
        return new RoomResult.NotMember();
      }
      String now = member.name();
      roster.changed();
      EventDraft draft = EventDraft.of(name, now(), member.key(), OptionalLong.empty(),
          h -> new ServerMessage.Renamed(h, old, now));
      return append(draft, slow, false, "");
    });
  }

  /** Sends the ROSTER records (everyone here in join order, with away texts) to {@code to}. */
  RoomResult who(Member to) {
    return event(slow -> {
      if (!isMember(to)) {
        return new RoomResult.NotMember();
      }
      flush(slow);
      roster().forEach(r -> offer(to, r, slow)); // shared, never changed: every queue may hold it
      return new RoomResult.Done();
    });
  }

  /** A member's away text changed: the next ROSTER is encoded again. */
  void awayChanged() {
    withoutEvent(() -> {
      roster.changed();
      return null;
    });
  }

  /** Passes {@code encoded} (a relayed SIGNED_HEAD) to every member but {@code from}. */
  RoomResult relay(Member from, byte[] encoded) {
    return event(slow -> {
      if (!isMember(from)) {
        return new RoomResult.NotMember();
      }
      flush(slow);
      OutboundRecord shared = new OutboundRecord(encoded);
      for (Member m : members) {
        if (m != from) {
          offer(m, shared, slow);
        }
      }
      return new RoomResult.Done();
    });
  }

  /**
   * Removes {@code member} and tells every other member LEFT with {@code reason} and the
   * parting {@code message}. Does nothing if it is not here, so each member leaves once.
   *
   * @return true if this call removed it
   */
  boolean leave(Member member, String reason, String message) {
    return event(slow -> {
      if (!isMember(member)) {
        return false;
      }
      remove(member);
      notices.left(member, reason, message);
      changed(slow);
      return true;
    });
  }

  /** This room's line in ROOM_LIST: name, member count, topic. */
  dev.lanchat.common.message.RoomSummary summary() {
    return withoutEvent(
        () -> new dev.lanchat.common.message.RoomSummary(name, members.size(), topic, endToEnd));
  }

  /**
   * Closes the room for a server shutdown: no more events, and every member is forgotten
   * without LEFT (each client gets BYE instead).
   */
  void close() {
    withoutEvent(() -> {
      closed = true;
      for (Member m : members) {
        m.rooms().remove(key);
      }
      members.clear();
      notices.clear();
      roster.changed();
      return null; // the lines that wait are answered NOT_IN_ROOM after this
    });
  }

  /** Everyone here as the wire names them (name and key), in join order. */
  List<dev.lanchat.common.message.Member> membersOnWire() {
    return withoutEvent(() -> members.stream().map(Member::onWire).toList());
  }

  /** The names of everyone here, in join order. */
  List<String> names() {
    return withoutEvent(() -> members.stream().map(Member::name).toList());
  }

  /** How many members' lines wait for the lock now (for tests). */
  int linesWaiting() {
    return waiting.size();
  }

  /** True when the calling thread holds the room lock (for assertions in tests). */
  boolean isLockedByCurrentThread() {
    return lock.isHeldByCurrentThread();
  }

  /**
   * Runs {@code action}, a read or a change that sends nothing, under the lock; then, as every
   * holder of the lock must, stores the members' lines that queued meanwhile: a line whose
   * sender found the lock held here is taken by nobody else.
   */
  private <T> T withoutEvent(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
      storeWaitingLines();
    }
  }

  /**
   * Runs {@code action} under the lock with a list to collect members whose backlog overflowed,
   * removes those (and any that the LEFT notices overflow in turn), then, after unlocking, tells
   * each removed member, and stores any members' lines that queued meanwhile. Every event goes
   * through here (or, for lines, through {@link #storeWaitingLines}), so the cascade exists once.
   */
  private <T> T event(Function<List<Member>, T> action) {
    lock.lock();
    T result = locked(action);
    storeWaitingLines();
    return result;
  }

  /**
   * The body of {@link #event}: called with the lock held, runs {@code action}, removes the slow
   * members, releases the lock, then tells the removed ones.
   */
  private <T> T locked(Function<List<Member>, T> action) {
    List<Member> slow = new ArrayList<>();
    List<Member> removed;
    T result;
    try {
      result = action.apply(slow);
      removed = removeSlow(slow);
      if (members.isEmpty() && !closed && !emptiedAlready()) {
        retire();
      }
    } finally {
      lock.unlock();
    }
    for (Member m : removed) {
      m.evicted(TOO_SLOW);
    }
    return result;
  }

  /**
   * Flushes what waits, then appends the event and offers its bytes to every member. Lock held.
   */
  private RoomResult append(EventDraft draft, List<Member> slow, boolean isTopic,
      String newTopic) {
    flush(slow);
    AppendResult result;
    try {
      result = isTopic ? history.appendTopic(draft.draft(), draft.encoder(), newTopic)
          : history.append(draft.draft(), draft.encoder());
    } catch (StoreException e) {
      log.warn("cannot store an event of {}: {}", name, e.getMessage());
      return new RoomResult.StoreFailed();
    }
    return switch (result) {
      case AppendResult.Appended a -> {
        OutboundRecord shared = new OutboundRecord(a.event().encoded().toByteArray());
        for (Member m : members) {
          offer(m, shared, slow);
        }
        yield new RoomResult.Done();
      }
      case AppendResult.Repeat r -> new RoomResult.Repeat();
    };
  }

  /** The last member left: store what waits (nobody is here to get it), then be gone. */
  private void retire() {
    if (!notices.isEmpty()) {
      try {
        notices.store(now());
      } catch (StoreException e) {
        log.warn("cannot store the last membership changes of {}: {}", name, e.getMessage());
        notices.clear();
      }
    }
    gone = true;
    emptied.accept(this);
  }

  private boolean emptiedAlready() {
    return gone;
  }

  /**
   * After a membership change was recorded: sends what waits now if the room was quiet for a
   * window, else makes sure a timer will. Lock held.
   */
  private void changed(List<Member> slow) {
    if (notices.windowPassed()) {
      flush(slow);
    } else {
      scheduleFlush();
    }
  }

  /** Starts the timer that flushes at the end of the current window, unless one runs. */
  private void scheduleFlush() {
    notices.schedule(() -> event(slow -> {
      notices.fired();
      if (!closed) {
        flush(slow);
      }
      return null;
    }));
  }

  /** Stores and sends every waiting membership change to every member. Lock held. */
  private void flush(List<Member> slow) {
    if (notices.isEmpty()) {
      return;
    }
    try {
      fanOut(notices.store(now()), slow);
    } catch (StoreException e) {
      log.warn("cannot store membership changes of {}; members were not told: {}", name,
          e.getMessage());
    }
  }

  private void fanOut(List<byte[]> records, List<Member> slow) {
    for (byte[] r : records) {
      OutboundRecord shared = new OutboundRecord(r);
      for (Member m : members) {
        offer(m, shared, slow);
      }
    }
  }

  private List<byte[]> roster() {
    return roster.records(members);
  }

  private boolean isMember(Member member) {
    return !closed && members.contains(member);
  }

  private void add(Member member) {
    members.add(member);
    member.rooms().add(key);
    roster.joined(member);
    notices.joined(member);
  }

  private void remove(Member member) {
    members.remove(member);
    member.rooms().remove(key);
    roster.changed();
  }

  /** Takes one message and {@code bytes} from the room budget, or neither. Lock held. */
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

  /** Offers a record every member gets (counted once in the server-wide budget). Lock held. */
  private static void offer(Member m, OutboundRecord shared, List<Member> slow) {
    if (!m.offer(shared) && !slow.contains(m)) {
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
    ArrayDeque<Member> queue = new ArrayDeque<>(slow);
    while (!queue.isEmpty()) {
      Member m = queue.poll();
      if (!isMember(m)) {
        continue;
      }
      remove(m);
      removed.add(m);
      notices.left(m, TOO_SLOW, "");
      if (notices.immediate()) {
        int before = slow.size();
        flush(slow);
        queue.addAll(slow.subList(before, slow.size()));
      }
    }
    scheduleFlush();
    return removed;
  }

  @Override
  public String toString() {
    return "Room[" + name + "]";
  }
}
