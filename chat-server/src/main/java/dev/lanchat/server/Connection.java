package dev.lanchat.server;

import dev.lanchat.common.BuildInfo;
import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.common.handshake.ClientAuthOutcome;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's TCP connection, from accept to close: the handshake under a deadline, then a
 * read loop that hands each message to its {@link SessionRules}, and the close. Its writes go
 * through its own {@link Outbox}; the room knows it only as a {@link Subscriber}, and it knows
 * the server only as a {@link ServerContext}.
 *
 * <p>Its life is one {@link Lifecycle.State} at a time, moving forward only. {@link #run} runs on
 * the connection's own virtual thread; {@link #beginClose}, {@link #evicted} and
 * {@link #closeSocket} may be called from any thread.
 */
final class Connection implements Subscriber {
  /** The BYE reason every client gets when the server shuts down. */
  static final String SHUTDOWN_REASON = "server shutting down";
  /** The BYE reason for a client whose key an administrator took off the allowlist. */
  static final String DENIED_REASON = "your key is no longer allowed here";
  /** How long a closing connection waits for its last messages to leave and the peer to close. */
  static final Duration LINGER = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  private final ServerContext server;
  private final ServerConfig config;
  private final Room room;
  private final ClientSocket socket;
  private final long id;
  private final AdmissionControl.Place place;
  private final HandshakeSlots.Slot handshakeSlot;
  private final Lifecycle life = new Lifecycle();
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile Optional<Member> member = Optional.empty();
  private volatile Optional<ByteString> key = Optional.empty();
  private volatile ScheduledFuture<?> deadline;
  private boolean slotTaken;

  /**
   * @param place this connection's place in its source's count, released when it ends
   * @param handshakeSlot its handshake slot, left when the handshake ends
   */
  Connection(ServerContext server, Room room, ClientSocket socket, long id,
      AdmissionControl.Place place, HandshakeSlots.Slot handshakeSlot) {
    this.server = server;
    this.place = place;
    this.handshakeSlot = handshakeSlot;
    this.config = server.config();
    this.room = room;
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
    if (!config.handshakeTimeout().isZero()) {
      deadline = server.schedule(this::handshakeDeadlinePassed, config.handshakeTimeout());
    }
    ClientLink link;
    try {
      socket.prepare(config.handshakeTimeout());
      link = ClientLink.handshake(socket, server.identity(), server.random());
      handshakeSlot.leave();
    } catch (ProtocolException e) {
      if (e.peerVersion().isPresent()) { // protocol §2.6: nothing the client could read is sent
        log.info("client at {} speaks LanChat protocol {}; this server speaks {}", peer(),
            e.peerVersion().getAsInt(), BuildInfo.PROTOCOL_VERSION);
      } else {
        log.warn("protocol error from {} during the handshake: {}", peer(), e.getMessage());
      }
      return Ending.LOST;
    } catch (IOException e) {
      log.debug("connection from {} ended during the handshake ({})", peer(), Peers.brief(e));
      return Ending.LOST;
    }
    return established(link);
  }

  /** After the handshake: the outbox, a client slot, client authentication, then the session. */
  private Ending established(ClientLink link) {
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
      beginClose(new ServerMessage.Error(ErrorCode.SERVER_FULL,
          "the server is full (" + config.maxClients() + " clients); try again later"));
      return drain(link);
    }
    ClientAuthOutcome outcome;
    try {
      outcome = link.authenticate();
    } catch (IOException e) {
      return endingFor(e); // as for any failed read: a protocol error is said as such
    }
    return switch (outcome) {
      case ClientAuthOutcome.Authenticated a -> admitted(link, a.key());
      case ClientAuthOutcome.Refused r -> refused(link, r);
    };
  }

  /**
   * Protocol §2.5 step 4: a proven key goes on to JOIN if the server admits it, or after a
   * matching join-code exchange, which an unknown key in allowlist mode may run first.
   */
  private Ending admitted(ClientLink link, ByteString proven) {
    ClientKeys.Admission admission = server.keys().admit(proven);
    if (admission instanceof ClientKeys.Admission.Unavailable) {
      beginClose(SessionRules.STORE_UNAVAILABLE);
      return drain(link);
    }
    ClientMessage first;
    try {
      first = link.receive();
    } catch (IOException e) {
      return endingFor(e);
    }
    if (first instanceof ClientMessage.JoinCode1 opening) {
      return joinCode(link, proven, opening);
    }
    if (admission instanceof ClientKeys.Admission.NotAllowed n) {
      log.info("refused {}: key {} is not on the allowlist", peer(), n.fingerprint());
      beginClose(new ServerMessage.Error(ErrorCode.NOT_ALLOWED, "your key " + n.fingerprint()
          + " is not allowed on this server; its administrator can allow it"));
      return drain(link);
    }
    return session(link, proven, Optional.of(first));
  }

  /** The join-code exchange the client opened; a match lets the key in, anything else ends. */
  private Ending joinCode(ClientLink link, ByteString proven, ClientMessage.JoinCode1 opening) {
    JoinCodeExchange.Wire wire = new JoinCodeExchange.Wire() {
      @Override
      public ClientMessage receive() throws IOException {
        return link.receive();
      }

      @Override
      public void send(java.util.List<ServerMessage> messages) {
        messages.forEach(Connection.this::reply);
      }
    };
    JoinCodeExchange.Result result;
    try {
      result = server.keys().exchange(server.random(), peer()).run(opening, link.th(),
          server.identity().publicKey(), proven, wire);
    } catch (dev.lanchat.server.store.StoreException e) {
      log.warn("cannot run a join code from {}: {}", peer(), e.getMessage());
      beginClose(SessionRules.STORE_UNAVAILABLE);
      return drain(link);
    } catch (IOException e) {
      return endingFor(e);
    }
    if (result instanceof JoinCodeExchange.Result.Refused) {
      place.chargeFailure(); // each failure counts against the address's rate (§7)
      beginClose(JoinCodeExchange.REFUSAL);
      return drain(link);
    }
    return session(link, proven, Optional.empty());
  }

  /** The session of an admitted key, starting with {@code first} if it was read already. */
  private Ending session(ClientLink link, ByteString proven, Optional<ClientMessage> first) {
    key = Optional.of(proven);
    return readLoop(link, new SessionRules(room, this, proven, config.rate(), config.burst()),
        first);
  }

  /**
   * The key's allow entry was removed while it is here (protocol §5.7): BYE with
   * {@link #DENIED_REASON}, then the connection closes as any the server ends.
   */
  void denied() {
    if (!life.isClosing()) {
      log.info("closing {} from {}: its key {} is no longer allowed",
          memberName().orElse("(not joined)"), peer(), key.map(Fingerprint::of).orElse("?"));
      beginClose(new ServerMessage.Bye(DENIED_REASON));
    }
  }

  /**
   * A client whose first record proved no key (protocol §2.5): its ERROR, then whatever it
   * pipelined is dropped until it hangs up; it joins nothing.
   */
  private Ending refused(ClientLink link, ClientAuthOutcome.Refused refusal) {
    log.info("refused {}: {}", peer(), refusal.error().text());
    beginClose(refusal.error());
    return drain(link);
  }

  /** Reads and drops records until the client hangs up or the linger time passes. */
  private Ending drain(ClientLink link) {
    socket.readTimeout(LINGER);
    while (true) {
      try {
        link.skip();
      } catch (IOException e) {
        return Ending.LOST;
      }
    }
  }

  /** Reads until the client leaves or the socket ends; a closing connection's reads are dropped. */
  private Ending readLoop(ClientLink link, SessionRules rules, Optional<ClientMessage> first) {
    Optional<ClientMessage> pending = first;
    while (true) {
      if (life.isClosing()) {
        socket.readTimeout(LINGER); // bounds the wait for the client to hang up
      }
      ClientMessage message;
      try {
        message = pending.isPresent() ? pending.get() : link.receive();
        pending = Optional.empty();
      } catch (IOException e) {
        return endingFor(e);
      }
      if (life.isClosing()) {
        continue; // read and dropped
      }
      if (message instanceof ClientMessage.Bye bye) {
        return Ending.bye(bye.message());
      }
      switch (rules.handle(message, member)) {
        case SessionRules.Outcome.Reply r -> reply(r.message());
        case SessionRules.Outcome.JoinedAs j -> joinedAs(j.member());
        case SessionRules.Outcome.Done d -> { } // the room has done what there was to do
        case SessionRules.Outcome.Close c -> beginClose(c.bye());
      }
    }
  }

  private Ending endingFor(IOException e) {
    if (life.isClosing()) {
      return Ending.LOST;
    }
    if (e instanceof ProtocolException p) {
      log.warn("protocol error from {}: {} ({})", peer(), p.getMessage(), p.reason());
    }
    return Ending.readFailed(e, member.isPresent(), config.idleTimeout());
  }

  private void end(Ending ending) {
    handshakeSlot.leave();
    cancelDeadline();
    member.ifPresent(m -> {
      if (room.leave(m, ending.leaveReason(), ending.leaveMessage())) {
        log.info("leave {} from {}: {}", m.name(), peer(),
            ending.leaveReason().isEmpty() ? "bye" : ending.leaveReason());
      }
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

  private void joinedAs(Member m) {
    member = Optional.of(m);
    life.joined();
    cancelDeadline();
    log.info("join {} from {}", m.name(), peer());
    socket.readTimeout(config.idleTimeout());
  }

  private void cancelDeadline() {
    Optional.ofNullable(deadline).ifPresent(d -> d.cancel(false));
  }

  @Override
  public boolean offer(byte[] encoded) {
    return life.offer(encoded);
  }

  /** Queues a direct answer to this client; a full backlog removes it as too slow. */
  private void reply(ServerMessage message) {
    if (!offer(MessageCodec.encode(message))
        && member.map(m -> room.leave(m, Room.TOO_SLOW)).orElse(true)) {
      evicted(Room.TOO_SLOW);
    }
  }

  /** Removed for an overflowing backlog: drop it, close now. Never called under the room lock. */
  @Override
  public void evicted(String reason) {
    if (life.abort()) {
      log.info("leave {} from {}: {}", memberName().orElse("(not joined)"), peer(), reason);
    }
    socket.close();
  }

  /**
   * Starts closing from the server's side: {@code last} (if not null) is the final message, what
   * is queued is flushed, then the output is shut down; the socket is closed at the latest after
   * {@link #LINGER}. Messages the client sends meanwhile are read and ignored.
   */
  void beginClose(ServerMessage last) {
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
