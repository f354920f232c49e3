package dev.lanchat.client;

import dev.lanchat.client.session.Session;
import dev.lanchat.common.message.ClientMessage;

/**
 * One session as the {@link Relay} sees it, with client message ids from {@link MessageIds}.
 * Thread-safe.
 */
final class SessionLink implements Relay.Link {
  private final Session session;
  private final MessageIds ids = new MessageIds();

  SessionLink(Session session) {
    this.session = session;
  }

  @Override
  public void send(ClientMessage message) {
    session.send(message);
  }

  @Override
  public long nextId() {
    return ids.next();
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
