package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.rules.Names;

/**
 * A joined client as the {@link Room} sees it: its canonical name, the skeleton that makes the
 * name unique, the key it proved with CLIENT_AUTH, and the subscriber that receives its events.
 *
 * <p>Immutable. Two members are the same only if they are the same object: a name that is
 * released and claimed again belongs to a new member.
 */
final class Member {
  private final String name;
  private final String skeleton;
  private final ByteString key;
  private final Subscriber subscriber;

  Member(String name, ByteString key, Subscriber subscriber) {
    this.name = name;
    this.skeleton = Names.skeleton(name);
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

  /** The name as the client spelled it in JOIN. */
  String name() {
    return name;
  }

  /** {@link Names#skeleton} of the name: what makes it unique. */
  String skeleton() {
    return skeleton;
  }

  /** Queues an encoded message for this member; false when its backlog is full. */
  boolean offer(byte[] encoded) {
    return subscriber.offer(encoded);
  }

  /** Tells this member's subscriber that it was removed; never called under the room lock. */
  void evicted(String reason) {
    subscriber.evicted(reason);
  }

  @Override
  public String toString() {
    return "Member[" + name + "]";
  }
}
