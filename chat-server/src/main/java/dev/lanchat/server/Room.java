package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
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
  private boolean closed;
  private long lastTime;

  /**
   * @param info what every WELCOME carries besides the member list
   * @param names the server-wide names registry this room claims its members' names in
   */
  Room(RoomInfo info, NameRegistry names) {
    this(info, names, NameBinder.NONE);
  }

  /**
   * @param info what every WELCOME carries besides the member list
   * @param names the server-wide names registry this room claims its members' names in
   * @param binder which key owns which name across sessions (the server's store)
   */
  Room(RoomInfo info, NameRegistry names, NameBinder binder) {
    this.info = info;
    this.names = names;
    this.binder = binder;
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
      offer(member, MessageCodec.encode(new ServerMessage.Welcome(name, info.server(),
          info.motd(), info.rate(), info.burst(), membersInOrder())), slow);
      byte[] joined = MessageCodec.encode(new ServerMessage.Joined(now(), member.onWire()));
      for (Member other : members.values()) {
        if (other != member) {
          offer(other, joined, slow);
        }
      }
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

  /** Delivers a checked SAY from {@code from} as one MESSAGE to every member, sender included. */
  void say(Member from, String text) {
    event(slow -> {
      if (isMember(from)) {
        broadcast(new ServerMessage.Chat(now(), from.name(), text), slow);
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
      if (!isMember(from)) {
        return true;
      }
      Member target = members.get(Names.skeleton(to));
      if (target == null) {
        return false;
      }
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
        offer(to, MessageCodec.encode(new ServerMessage.Roster(membersInOrder())), slow);
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
   * none), already checked against {@link dev.lanchat.common.rules.Texts#isValidByeMessage}.
   */
  boolean leave(Member member, String reason, String message) {
    return event(slow -> {
      if (!isMember(member)) {
        return false;
      }
      remove(member);
      broadcast(new ServerMessage.Left(now(), member.name(), reason, message), slow);
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

  private boolean isMember(Member member) {
    return !closed && members.get(member.skeleton()) == member;
  }

  private void remove(Member member) {
    members.remove(member.skeleton());
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

  /** Encodes once, offers to every member. Lock held. */
  private void broadcast(ServerMessage event, List<Member> slow) {
    byte[] encoded = MessageCodec.encode(event);
    for (Member m : members.values()) {
      offer(m, encoded, slow);
    }
  }

  /**
   * Removes every member in {@code slow} with LEFT "too slow"; each LEFT may overflow another
   * member, which is removed in turn. Lock held.
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
      int before = slow.size();
      broadcast(new ServerMessage.Left(now(), m.name(), TOO_SLOW, ""), slow);
      pending.addAll(slow.subList(before, slow.size()));
    }
    return removed;
  }
}
