package dev.lanchat.server;

import dev.lanchat.common.message.ErrorCode;
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

/**
 * The chat room: who is joined, and the single total order of MESSAGE, JOINED and LEFT events
 * (protocol §5). It is the only shared state of a server.
 *
 * <p>Thread-safe. One lock is held around each event; inside it the event is stamped, encoded
 * once and offered to every member's {@link Outbox}. Offering never blocks, so nothing waits on
 * a socket while holding the room, and every member's queue receives events in lock order. A
 * member whose backlog is full is removed under the same lock (LEFT "too slow"); its socket is
 * closed after the lock is released.
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

  private final String motd;
  private final ReentrantLock lock = new ReentrantLock();
  /** Members by skeleton, in join order. */
  private final Map<String, Member> members = new LinkedHashMap<>();
  private boolean closed;
  private long lastTime;

  Room(String motd) {
    this.motd = motd;
  }

  /**
   * Joins {@code connection} as {@code name}: WELCOME to it, JOINED to every other member. On a
   * bad or taken name, ERROR goes to the connection instead and nothing changes.
   *
   * @return the new member, or empty when the join was refused
   */
  Optional<Member> join(Connection connection, String name) {
    Optional<String> problem = Names.problem(name);
    if (problem.isPresent()) {
      reply(connection, new ServerMessage.Error(ErrorCode.NAME_INVALID,
          "that name cannot be used: " + problem.get()));
      return Optional.empty();
    }
    Member member = new Member(name, connection);
    List<Member> slow = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        return Optional.empty();
      }
      Member holder = members.get(member.skeleton());
      if (holder != null) {
        reply(connection, new ServerMessage.Error(ErrorCode.NAME_TAKEN,
            "the name " + name + " is taken (too close to " + holder.name() + ")"));
        return Optional.empty();
      }
      members.put(member.skeleton(), member);
      ServerMessage.Welcome welcome = new ServerMessage.Welcome(name, motd, names());
      if (!member.offer(MessageCodec.encode(welcome))) {
        slow.add(member);
      }
      byte[] joined = MessageCodec.encode(new ServerMessage.Joined(now(), name));
      for (Member other : members.values()) {
        if (other != member && !other.offer(joined)) {
          slow.add(other);
        }
      }
      removeSlow(slow);
    } finally {
      lock.unlock();
    }
    closeSlow(slow);
    return slow.contains(member) ? Optional.empty() : Optional.of(member);
  }

  /** Delivers a checked SAY from {@code from} as one MESSAGE to every member, sender included. */
  void say(Member from, String text) {
    List<Member> slow = new ArrayList<>();
    lock.lock();
    try {
      if (!isMember(from)) {
        return;
      }
      broadcast(new ServerMessage.Chat(now(), from.name(), text), slow);
      removeSlow(slow);
    } finally {
      lock.unlock();
    }
    closeSlow(slow);
  }

  /**
   * Delivers a checked DM to the member whose name has the skeleton of {@code to}, and echoes it
   * to the sender, both with canonical names.
   *
   * @return false when nobody has that name (the caller answers NO_SUCH_USER)
   */
  boolean dm(Member from, String to, String text) {
    List<Member> slow = new ArrayList<>();
    lock.lock();
    try {
      if (!isMember(from)) {
        return true;
      }
      Member target = members.get(Names.skeleton(to));
      if (target == null) {
        return false;
      }
      byte[] dm = MessageCodec.encode(
          new ServerMessage.Dm(now(), from.name(), target.name(), text));
      if (!target.offer(dm)) {
        slow.add(target);
      }
      if (target != from && !from.offer(dm)) {
        slow.add(from);
      }
      removeSlow(slow);
    } finally {
      lock.unlock();
    }
    closeSlow(slow);
    return true;
  }

  /** Sends ROSTER (everyone joined, in join order) to {@code to}. */
  void who(Member to) {
    List<Member> slow = new ArrayList<>();
    lock.lock();
    try {
      if (!isMember(to)) {
        return;
      }
      if (!to.offer(MessageCodec.encode(new ServerMessage.Roster(names())))) {
        slow.add(to);
      }
      removeSlow(slow);
    } finally {
      lock.unlock();
    }
    closeSlow(slow);
  }

  /**
   * Removes {@code member} and tells every other member LEFT with {@code reason}. Does nothing if
   * it already left, so each member leaves exactly once.
   *
   * @return true if this call removed it
   */
  boolean leave(Member member, String reason) {
    List<Member> slow = new ArrayList<>();
    lock.lock();
    try {
      if (!isMember(member)) {
        return false;
      }
      members.remove(member.skeleton());
      broadcast(new ServerMessage.Left(now(), member.name(), reason), slow);
      removeSlow(slow);
    } finally {
      lock.unlock();
    }
    closeSlow(slow);
    return true;
  }

  /**
   * Closes the room for a server shutdown: no more joins, no more events, and every member is
   * forgotten without LEFT (each client gets BYE instead).
   *
   * @return the members that were joined
   */
  List<Member> close() {
    lock.lock();
    try {
      closed = true;
      List<Member> all = new ArrayList<>(members.values());
      members.clear();
      return all;
    } finally {
      lock.unlock();
    }
  }

  /** The names of everyone joined, in join order. */
  List<String> roster() {
    lock.lock();
    try {
      return names();
    } finally {
      lock.unlock();
    }
  }

  /** How many members are joined. */
  int size() {
    lock.lock();
    try {
      return members.size();
    } finally {
      lock.unlock();
    }
  }

  private boolean isMember(Member member) {
    return !closed && members.get(member.skeleton()) == member;
  }

  private List<String> names() {
    List<String> names = new ArrayList<>(members.size());
    for (Member m : members.values()) {
      names.add(m.name());
    }
    return names;
  }

  /** Server time for the next event, never earlier than the previous one. Lock held. */
  private long now() {
    lastTime = Math.max(lastTime, System.currentTimeMillis());
    return lastTime;
  }

  /** Encodes once, offers to every member; the full ones go to {@code slow}. Lock held. */
  private void broadcast(ServerMessage event, List<Member> slow) {
    byte[] encoded = MessageCodec.encode(event);
    for (Member m : members.values()) {
      if (!m.offer(encoded) && !slow.contains(m)) {
        slow.add(m);
      }
    }
  }

  /**
   * Removes every member in {@code slow} with LEFT "too slow"; each LEFT may overflow another
   * member, which joins the list. Lock held.
   */
  private void removeSlow(List<Member> slow) {
    ArrayDeque<Member> pending = new ArrayDeque<>(slow);
    while (!pending.isEmpty()) {
      Member m = pending.poll();
      if (members.get(m.skeleton()) != m) {
        continue;
      }
      members.remove(m.skeleton());
      List<Member> more = new ArrayList<>();
      broadcast(new ServerMessage.Left(now(), m.name(), TOO_SLOW), more);
      for (Member n : more) {
        if (!slow.contains(n)) {
          slow.add(n);
          pending.add(n);
        }
      }
    }
  }

  /** Closes the connections of removed slow members, outside the lock. */
  private static void closeSlow(List<Member> slow) {
    for (Member m : slow) {
      m.connection().removedAsTooSlow();
    }
  }

  private static void reply(Connection connection, ServerMessage message) {
    connection.reply(message);
  }
}
