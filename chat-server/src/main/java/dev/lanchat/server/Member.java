package dev.lanchat.server;

import dev.lanchat.common.rules.Names;

/**
 * A joined client as the {@link Room} sees it: its canonical name, the skeleton that makes the
 * name unique, and the connection that carries its messages.
 *
 * <p>Immutable.
 */
final class Member {
  private final String name;
  private final String skeleton;
  private final Connection connection;

  Member(String name, Connection connection) {
    this.name = name;
    this.skeleton = Names.skeleton(name);
    this.connection = connection;
  }

  /** The name as the client spelled it in JOIN. */
  String name() {
    return name;
  }

  /** {@link Names#skeleton} of the name: the key of the room. */
  String skeleton() {
    return skeleton;
  }

  Connection connection() {
    return connection;
  }

  /** Queues an encoded message for this member; false when its backlog is full. */
  boolean offer(byte[] encoded) {
    return connection.outbox().offer(encoded);
  }

  @Override
  public String toString() {
    return "Member[" + name + "]";
  }
}
