package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.rules.Names;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A logged-in client as the rooms see it: its name (which NICK changes), the key it proved with
 * CLIENT_AUTH, its away text, the rooms it is in (by room key), and the subscriber that receives
 * its events.
 *
 * <p>Thread-safe. Two members are the same only if they are the same object: a name that is
 * released and claimed again belongs to a new member. The name and away text are read by any
 * room's thread and changed only by the member's own reader thread, so they are volatile; the
 * set of rooms is concurrent because a room that evicts the member removes itself from it.
 */
final class Member {
  private final ByteString key;
  private final Subscriber subscriber;
  private final Set<String> rooms = ConcurrentHashMap.newKeySet();
  private volatile String name;
  private volatile String away = "";

  Member(String name, ByteString key, Subscriber subscriber) {
    this.name = name;
    this.key = key;
    this.subscriber = subscriber;
  }

  /** The client's Ed25519 public key, proven by CLIENT_AUTH. */
  ByteString key() {
    return key;
  }

  /** This member as the wire names it: name and key. */
  dev.lanchat.common.message.Member onWire() {
    return new dev.lanchat.common.message.Member(name, key);
  }

  /** The name as the client spelled it in JOIN or its last NICK. */
  String name() {
    return name;
  }

  /** {@link Names#skeleton} of the name: what makes it unique. */
  String skeleton() {
    return Names.skeleton(name);
  }

  /** Takes {@code newName} (already claimed for this member). */
  void rename(String newName) {
    name = newName;
  }

  /** The member's away text, {@code ""} when it is not away. */
  String away() {
    return away;
  }

  /** Sets the away text ({@code ""}: back), already checked against the text rules. */
  void away(String text) {
    away = text;
  }

  /** The keys of the rooms this member is in; the rooms registry keeps it. */
  Set<String> rooms() {
    return rooms;
  }

  /** Queues an encoded message for this member; false when its backlog is full. */
  boolean offer(byte[] encoded) {
    return subscriber.offer(encoded);
  }

  /** Queues a record every member gets (counted once server-wide); false when full. */
  boolean offer(OutboundRecord shared) {
    return subscriber.offer(shared);
  }

  /** Queues records every member gets, in order; false when its backlog filled. */
  boolean offerAll(List<OutboundRecord> shared) {
    return subscriber.offerAll(shared);
  }

  /** Tells this member's subscriber that it was removed; never called under a room lock. */
  void evicted(String reason) {
    subscriber.evicted(reason);
  }

  @Override
  public String toString() {
    return "Member[" + name + "]";
  }
}
