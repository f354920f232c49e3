package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's TCP connection, from accept to close: the handshake under a deadline
 * ({@link HandshakeStep}), the client's access ({@link AccessStep}), then a read loop
 * ({@link ClientReader}) that hands each message to its {@link SessionRules}, and the close.
 * Its writes go through its own {@link Outbox}; the room knows it only as a
 * {@link Subscriber}, and it knows the server only as a {@link ServerContext}.
 *
 * <p>Its life is one {@link Lifecycle.State} at a time, moving forward only. {@link #run} runs on
 * the connection's own virtual thread; {@link #beginClose}, {@link #evicted} and
 * {@link #closeSocket} may be called from any thread.
 */
final class Connection implements Subscriber, ClientReader.Host {
  /** The BYE reason every client gets when the server shuts down. */
  static final String SHUTDOWN_REASON = "server shutting down";
  /** The BYE reason for a client whose key an administrator took off the allowlist. */
  static final String DENIED_REASON = "your key is no longer allowed here";
  /** How long a closing connection waits for its last messages to leave and the peer to close. */
  static final Duration LINGER = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  private final ServerContext server;
  private final ServerConfig config;
  private final Chat chat;
  private final ClientSocket socket;
  private final long id;
  private final AdmissionControl.Place place;
  private final HandshakeSlots.Slot handshakeSlot;
  private final Lifecycle life = new Lifecycle();
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile Optional<Member> member = Optional.empty();
  private volatile Optional<ByteString> key = Optional.empty();
  /** Why the server removed this client, when it did: the LEFT reason in its other rooms. */
  private volatile Optional<String> evictedFor = Optional.empty();
  private final HandshakeDeadline deadline = new HandshakeDeadline();
  /** Whether this client's leave is in the log: its end can be reached from several threads. */
  private final AtomicBoolean leaveLogged = new AtomicBoolean();
  private boolean slotTaken;

  /**
   * @param place this connection's place in its source's count, released when it ends
   * @param handshakeSlot its handshake slot, left when the handshake ends
   */
  Connection(ServerContext server, Chat chat, ClientSocket socket, long id,
      AdmissionControl.Place place, HandshakeSlots.Slot handshakeSlot) {
    this.server = server;
    this.place = place;
    this.handshakeSlot = handshakeSlot;
    this.config = server.config();
    this.chat = chat;
    this.socket = socket;
    this.id = id;
  }

  /** The peer as {@code address:port}, for logs. */
  String peer() {
    return socket.peer();
  }

  /** The name this client joined as, if it has. */
  Optional<String> memberName() {
    return member.map(Member::name);
  }

  /** The key this client proved and was admitted with, once it has. */
  Optional<ByteString> key() {
    return key;
  }

  /** Runs the connection to its end. Never throws. */
  void run() {
    Ending ending = Ending.LOST;
    try {
      ending = session();
    } catch (RuntimeException e) {
      log.warn("connection from {} failed: {}", peer(), Peers.brief(e));
    } finally {
      end(ending);
    }
  }

  private Ending session() {
    deadline.start(server, this::handshakeDeadlinePassed);
    return HandshakeStep.run(server, socket, handshakeSlot).map(this::established)
        .orElse(Ending.LOST);
  }

  /** After the handshake: the outbox, a client slot, client authentication, then the session. */
  private Ending established(ClientLink link) {
    ClientReader reader =
        new ClientReader(link, socket, life, config.idleTimeout(), LINGER, this);
    Outbox box = new Outbox(link, server.outboundBudget(), config.maxBacklog(),
        config.maxBacklogBytes(), socket::writerDone);
    life.establish(box);
    box.start("lanchat-out-" + id);
    if (server.isClosed()) {
      beginClose(new ServerMessage.Bye(SHUTDOWN_REASON));
    }
    if (life.isClosing()) {
      return Ending.LOST;
    }
    slotTaken = server.slots().tryTake();
    if (!slotTaken) { // ERROR, then whatever comes is dropped until the client hangs up
      log.info("refused {}: server full ({} clients)", peer(), config.maxClients());
      return reader.refuse(new ServerMessage.Error(ErrorCode.SERVER_FULL,
          "the server is full (" + config.maxClients() + " clients); try again later"));
    }
    return switch (new AccessStep(server, link, peer(), this::reply, place::chargeFailure).run()) {
      case AccessStep.Verdict.Admitted a -> session(reader, a.key(), a.first());
      case AccessStep.Verdict.Refused r -> reader.refuse(r.error());
      case AccessStep.Verdict.Failed f -> reader.failed(f.cause());
    };
  }

  /** The session of an admitted key, starting with {@code first} if it was read already. */
  private Ending session(ClientReader reader, ByteString proven, Optional<ClientMessage> first) {
    key = Optional.of(proven);
    return reader.session(new SessionRules(chat, this, proven, config.rate(), config.burst()),
        first);
  }

  /**
   * The key's allow entry was removed while it is here (protocol §5.7): BYE with
   * {@link #DENIED_REASON}, then the connection closes as any the server ends.
   */
  void denied() {
    if (evictedFor.isEmpty()) {
      evictedFor = Optional.of(Room.NOT_ALLOWED); // the others learn why, not "connection lost"
    }
    if (!life.isClosing()) {
      log.info("closing {} from {}: its key {} is no longer allowed",
          memberName().orElse("(not joined)"), peer(), key.map(Fingerprint::of).orElse("?"));
      beginClose(new ServerMessage.Bye(DENIED_REASON));
    }
  }

  private void end(Ending ending) {
    handshakeSlot.leave();
    deadline.cancel();
    member.ifPresent(m -> {
      String reason = evictedFor.orElse(ending.leaveReason());
      chat.logout(m, reason, evictedFor.isPresent() ? "" : ending.leaveMessage());
      logLeave(reason.isEmpty() ? "bye" : reason);
    });
    if (life.hasOutbox()) {
      beginClose(ending.last().orElse(null));
      try {
        life.awaitFlushed(LINGER.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    socket.close();
    life.closed();
    if (slotTaken) {
      server.slots().release();
    }
    place.release();
    ended.countDown();
  }

  /** Waits until this connection's reader has finished and its socket is closed. */
  boolean awaitEnded(long timeout, TimeUnit unit) throws InterruptedException {
    return ended.await(timeout, unit);
  }

  @Override
  public Optional<Member> member() {
    return member;
  }

  @Override
  public void joinedAs(Member m) {
    member = Optional.of(m);
    life.joined();
    deadline.cancel();
    log.info("join {} from {}", m.name(), peer());
    socket.readTimeout(config.idleTimeout());
  }

  @Override
  public boolean offer(byte[] encoded) {
    return life.offer(encoded);
  }

  @Override
  public boolean offer(OutboundRecord shared) {
    return life.offer(shared);
  }

  @Override
  public boolean offerAll(List<OutboundRecord> shared) {
    return life.offerAll(shared);
  }

  /** Queues a direct answer to this client; a full backlog removes it as too slow. */
  @Override
  public void reply(ServerMessage message) {
    if (!offer(MessageCodec.encode(message))) {
      evicted(Room.TOO_SLOW);
    }
  }

  /** Removed for an overflowing backlog: drop it, close now. Never called under the room lock. */
  @Override
  public void evicted(String reason) {
    if (evictedFor.isEmpty()) {
      evictedFor = Optional.of(reason);
    }
    if (life.abort()) {
      logLeave(reason);
    }
    socket.close();
  }

  /**
   * The server is stopping: BYE with {@link #SHUTDOWN_REASON}, then the close. A joined client's
   * leave is logged now, while the log is sure to take it, and before the BYE is queued: a
   * client that reads it and hangs up at once would otherwise have its end logged first, as a
   * lost connection. Its own end, which may come after the process has stopped logging, adds no
   * second line.
   */
  void shutDown(ServerMessage.Bye bye) {
    if (member.isPresent()) {
      logLeave(SHUTDOWN_REASON);
    }
    beginClose(bye);
  }

  /** Logs this client's leave with {@code reason}, once, whichever way its end came first. */
  private void logLeave(String reason) {
    if (leaveLogged.compareAndSet(false, true)) {
      log.info("leave {} from {}: {}", memberName().orElse("(not joined)"), peer(), reason);
    }
  }

  /**
   * Starts closing from the server's side: {@code last} (if not null) is the final message, what
   * is queued is flushed, then the output is shut down; the socket is closed at the latest after
   * {@link #LINGER}. Messages the client sends meanwhile are read and ignored.
   */
  @Override
  public void beginClose(ServerMessage last) {
    if (life.beginClose(last == null ? null : MessageCodec.encode(last))) {
      server.schedule(socket::close, LINGER);
    }
  }

  /** Waits until this connection's last messages were written or failed. */
  boolean awaitFlushed(long timeout, TimeUnit unit) throws InterruptedException {
    return life.awaitFlushed(timeout, unit);
  }

  /** Closes the socket now; the reader and writer end with it. */
  void closeSocket() {
    socket.close();
  }

  private void handshakeDeadlinePassed() {
    if (member.isPresent() || life.isClosing()) {
      return;
    }
    log.info("closed {}: no WELCOME within {} s of connecting", peer(),
        Peers.seconds(config.handshakeTimeout()));
    if (life.hasOutbox()) {
      beginClose(Ending.JOIN_TOO_LATE);
    } else if (life.abort()) {
      socket.close(); // still in the handshake: nothing can be said, just hang up
    }
  }
}
