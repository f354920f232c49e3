package dev.lanchat.client;

import dev.lanchat.client.session.Reconnector;
import dev.lanchat.common.message.ClientMessage;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The conversation as the {@link Relay} sees it: a {@link Reconnector}, whose message ids it
 * hands out, with a note to the user when a line is kept for the connection's return or
 * refused because too many wait already. Thread-safe.
 */
final class ReconnectorLink implements Relay.Link {
  private final Reconnector link;
  private final Console console;
  private final Consumer<ClientMessage> watcher;
  private final Runnable beforeGoodbye;

  /**
   * {@code watcher} sees each message before it goes (the room chains follow ENTER and PART);
   * {@code beforeGoodbye} runs before the goodbye (the last room heads are signed then).
   */
  ReconnectorLink(Reconnector link, Console console, Consumer<ClientMessage> watcher,
      Runnable beforeGoodbye) {
    this.link = Objects.requireNonNull(link, "link");
    this.console = Objects.requireNonNull(console, "console");
    this.watcher = Objects.requireNonNull(watcher, "watcher");
    this.beforeGoodbye = Objects.requireNonNull(beforeGoodbye, "beforeGoodbye");
  }

  /**
   * Hands one message to the conversation; while disconnected it waits for the connection
   * (piped), and at a terminal a line beyond {@link Reconnector#MAX_QUEUED} is refused.
   */
  @Override
  public void send(ClientMessage message) {
    watcher.accept(message);
    switch (link.send(message)) {
      case SENT, OVER -> { }
      case QUEUED -> console.problem("* not connected: kept to send once the connection is back");
      case REFUSED -> console.problem("! not sent: " + Reconnector.MAX_QUEUED
          + " lines already wait for the connection to come back");
    }
  }

  @Override
  public long nextId() {
    return link.nextId();
  }

  @Override
  public void goodbye(String message) {
    beforeGoodbye.run();
    link.goodbye(message);
  }

  @Override
  public boolean isOver() {
    return link.isOver();
  }
}
