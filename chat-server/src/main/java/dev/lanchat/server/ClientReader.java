package dev.lanchat.server;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one client's messages after the handshake: the session loop that hands each to its
 * {@link SessionRules}, the drain after a refusal, and how a failed read ends the connection.
 * What a message leads to is done by its {@link Host}, the connection.
 */
final class ClientReader {
  private static final Logger log = LoggerFactory.getLogger(ClientReader.class);

  /** What the reader asks of its connection. */
  interface Host {
    /** The member this client joined as, if it has. */
    Optional<Member> member();

    /** Queues a direct answer to this client. */
    void reply(ServerMessage message);

    /** The client joined as {@code member}. */
    void joinedAs(Member member);

    /** Starts closing from the server's side, with {@code last} as the final message. */
    void beginClose(ServerMessage last);
  }

  private final ClientLink link;
  private final ClientSocket socket;
  private final Lifecycle life;
  private final Duration idleTimeout;
  private final Duration linger;
  private final Host host;

  /**
   * @param idleTimeout how long a joined client may stay silent, for the ending it gets
   * @param linger how long a closing connection still reads, waiting for the client to hang up
   */
  ClientReader(ClientLink link, ClientSocket socket, Lifecycle life, Duration idleTimeout,
      Duration linger, Host host) {
    this.link = link;
    this.socket = socket;
    this.life = life;
    this.idleTimeout = idleTimeout;
    this.linger = linger;
    this.host = host;
  }

  /** Reads until the client leaves or the socket ends; a closing connection's reads are dropped. */
  Ending session(SessionRules rules, Optional<ClientMessage> first) {
    Optional<ClientMessage> pending = first;
    while (true) {
      if (life.isClosing()) {
        socket.readTimeout(linger); // bounds the wait for the client to hang up
      }
      ClientMessage message;
      try {
        message = pending.isPresent() ? pending.get() : link.receive();
        pending = Optional.empty();
      } catch (IOException e) {
        rules.settle(); // the lines it sent before are kept
        return failed(e);
      }
      if (life.isClosing()) {
        continue; // read and dropped
      }
      if (message instanceof ClientMessage.Bye bye) {
        rules.settle();
        return Ending.bye(bye.message());
      }
      switch (rules.handle(message, host.member())) {
        case Outcome.Reply r -> host.reply(r.message());
        case Outcome.JoinedAs j -> host.joinedAs(j.member());
        case Outcome.Done d -> { } // the room has done what there was to do
        case Outcome.Close c -> host.beginClose(c.bye());
        case Outcome.AcceptBatches a -> link.acceptBatches();
      }
    }
  }

  /** Closes with {@code error} as the last message, then {@link #drain}s (protocol §2.5). */
  Ending refuse(ServerMessage error) {
    host.beginClose(error);
    return drain();
  }

  /** Reads and drops records until the client hangs up or the linger time passes. */
  Ending drain() {
    socket.readTimeout(linger);
    while (true) {
      try {
        link.skip();
      } catch (IOException e) {
        return Ending.LOST;
      }
    }
  }

  /** How a failed read ends the connection; a protocol error is logged as such. */
  Ending failed(IOException e) {
    if (life.isClosing()) {
      return Ending.LOST;
    }
    if (e instanceof ProtocolException p) {
      log.warn("protocol error from {}: {} ({})", socket.peer(), p.getMessage(), p.reason());
    }
    return Ending.readFailed(e, host.member().isPresent(), idleTimeout);
  }
}
