package dev.lanchat.bench;

import dev.lanchat.common.message.MessageCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The yardstick's one room: members by name, and each MESSAGE encoded once under the room's lock,
 * with the room's next event id, and offered to every member, as LanChat's room does, with no
 * notices, chain, checks or store.
 * Thread-safe.
 */
final class PlainRoom {
  /** What the room asks of a member's connection. */
  interface Member {
    String name();

    /** Queues an encoded message without blocking; false when the member is too slow. */
    boolean offer(byte[] encoded);

    /** Removes a member that was too slow; never called under the room's lock. */
    void evict();
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Member> members = new LinkedHashMap<>();
  // guarded by lock: the id of the room's last event
  private long lastId;

  /**
   * Enters {@code m} (after its JOIN was answered): ENTERED and an empty ROSTER; false (and
   * nothing sent) when its name is in the room already.
   */
  boolean enter(Member m) {
    lock.lock();
    try {
      if (members.putIfAbsent(m.name(), m) != null) {
        return false;
      }
      m.offer(MessageCodec.encode(PlainWire.entered(members.size())));
      m.offer(MessageCodec.encode(PlainWire.roster()));
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** {@code from} said {@code text}: one MESSAGE to every member, the sender included. */
  void say(Member from, String text) {
    List<Member> slow = new ArrayList<>(0);
    lock.lock();
    try {
      byte[] encoded = MessageCodec.encode(PlainWire.chat(++lastId, from.name(), text));
      for (Member m : members.values()) {
        if (!m.offer(encoded)) {
          slow.add(m);
        }
      }
    } finally {
      lock.unlock();
    }
    for (Member m : slow) {
      leave(m);
      m.evict();
    }
  }

  /** {@code m} is gone. */
  void leave(Member m) {
    lock.lock();
    try {
      members.remove(m.name(), m);
    } finally {
      lock.unlock();
    }
  }
}
