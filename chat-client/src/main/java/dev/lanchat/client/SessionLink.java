package dev.lanchat.client;

import dev.lanchat.client.session.Session;
import dev.lanchat.common.message.ClientMessage;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One session as the {@link Relay} sees it, with client message ids (protocol "Client →
 * server": any u64 but 0, unique per client key) that start at random, so two runs with one
 * key do not reuse ids, and go up by one per message. Thread-safe.
 */
final class SessionLink implements Relay.Link {
  private final Session session;
  private final AtomicLong ids = new AtomicLong(new SecureRandom().nextLong());

  SessionLink(Session session) {
    this.session = session;
  }

  @Override
  public void send(ClientMessage message) {
    session.send(message);
  }

  @Override
  public long nextId() {
    long id;
    do {
      id = ids.getAndIncrement();
    } while (id == 0); // 0 is not an id
    return id;
  }

  @Override
  public void goodbye(String message) {
    session.goodbye(message);
  }

  @Override
  public boolean isOver() {
    return session.isOver();
  }
}
