package dev.lanchat.server;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ServerHandshake;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Texts;
import dev.lanchat.common.trust.KnownServers;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's TCP connection, from accept to close: the handshake under a deadline, then a
 * read loop that checks each message against the session rules (protocol §5) and the message
 * rate, and hands it to the {@link Room}. Its writes go through its own {@link Outbox}.
 *
 * <p>{@link #run} runs on the connection's own virtual thread; the close methods may be called
 * from any thread.
 */
final class Connection {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  /** How long a closing connection waits for its last messages to leave and the peer to close. */
  static final Duration LINGER = Duration.ofSeconds(2);

  private static final int READ_BUFFER = 1 << 17;
  private static final ServerMessage JOIN_TOO_LATE = new ServerMessage.Bye("took too long to join");

  private final ChatServer server;
  private final ServerConfig config;
  private final Room room;
  private final Socket socket;
  private final String peer;
  private final long id;
  private final RateLimiter limiter;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicBoolean removedTooSlow = new AtomicBoolean();
  private final CountDownLatch ended = new CountDownLatch(1);
  /** Makes "a close began" and "the outbox exists" one step for each other. */
  private final ReentrantLock closeLock = new ReentrantLock();
  private ServerMessage pendingLast;
  private volatile Outbox outbox;
  private volatile Member member;
  private volatile ScheduledFuture<?> deadline;

  Connection(ChatServer server, Room room, Socket socket, long id) {
    this.server = server;
    this.config = server.config();
    this.room = room;
    this.socket = socket;
    this.peer = describe(socket.getRemoteSocketAddress());
    this.id = id;
    this.limiter = new RateLimiter(config.rate(), config.burst());
  }

  /** The peer as {@code address:port}, for logs. */
  String peer() {
    return peer;
  }

  /** This connection's outbox; set once the handshake is done. */
  Outbox outbox() {
    return outbox;
  }

  /** Runs the connection to its end. Never throws. */
  void run() {
    boolean counted = false;
    String leaveReason = Room.CONNECTION_LOST;
    ServerMessage last = null;
    try {
      if (!config.handshakeTimeout().isZero()) {
        deadline = server.schedule(this::handshakeDeadlinePassed, config.handshakeTimeout());
      }
      MessageChannel channel;
      try {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(millis(config.handshakeTimeout()));
        FrameReader reader =
            new FrameReader(new BufferedInputStream(socket.getInputStream(), READ_BUFFER));
        FrameWriter writer = new FrameWriter(socket.getOutputStream());
        channel = new MessageChannel(ServerHandshake.run(reader, writer, server.identity(),
            server.random()).channel(reader, writer));
      } catch (ProtocolException e) {
        log.warn("protocol error from {} during the handshake: {}", peer, e.getMessage());
        return;
      } catch (IOException e) {
        log.debug("connection from {} ended during the handshake ({})", peer, brief(e));
        return;
      }
      Outbox box = new Outbox(channel, config.maxBacklog(), config.maxBacklogBytes(),
          this::writerFinished);
      closeLock.lock();
      try {
        outbox = box;
        if (closing.get()) { // a close began during the handshake: its last message goes now
          box.finish(pendingLast == null ? null : MessageCodec.encode(pendingLast));
        }
      } finally {
        closeLock.unlock();
      }
      box.start("lanchat-out-" + id);
      if (server.isClosed()) {
        beginClose(new ServerMessage.Bye(ChatServer.SHUTDOWN_REASON));
      }
      if (closing.get()) {
        return;
      }
      counted = server.takeSlot();
      if (!counted) {
        log.info("refused {}: server full ({} clients)", peer, config.maxClients());
        beginClose(new ServerMessage.Error(ErrorCode.SERVER_FULL,
            "the server is full (" + config.maxClients() + " clients); try again later"));
        drain(channel);
        return;
      }
      while (true) {
        ClientMessage message;
        try {
          message = channel.receiveFromClient();
        } catch (SocketTimeoutException e) {
          if (!closing.get() && member != null) {
            leaveReason = Room.TIMED_OUT;
            last = new ServerMessage.Bye("no message for " + seconds(config.idleTimeout())
                + " s: timed out");
          } else if (!closing.get()) {
            last = JOIN_TOO_LATE;
          }
          return;
        } catch (EOFException e) {
          return;
        } catch (ProtocolException e) {
          if (!closing.get()) {
            log.warn("protocol error from {}: {} ({})", peer, e.getMessage(), e.reason());
            leaveReason = Room.PROTOCOL_ERROR;
            last = new ServerMessage.Bye("protocol error: " + e.getMessage());
          }
          return;
        } catch (IOException e) {
          return;
        }
        if (closing.get()) {
          lingerReads();
          continue;
        }
        if (message instanceof ClientMessage.Bye) {
          leaveReason = "";
          return;
        }
        handle(message);
      }
    } catch (RuntimeException e) {
      log.warn("connection from {} failed: {}", peer, brief(e));
    } finally {
      end(counted, leaveReason, last);
    }
  }

  private void end(boolean counted, String leaveReason, ServerMessage last) {
    ScheduledFuture<?> d = deadline;
    if (d != null) {
      d.cancel(false);
    }
    Member m = member;
    if (m != null && room.leave(m, leaveReason)) {
      log.info("leave {} from {}: {}", m.name(), peer, leaveReason.isEmpty() ? "bye" : leaveReason);
    }
    Outbox box = outbox;
    if (box != null) {
      beginClose(last);
      try {
        box.awaitDone(LINGER.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeSocket();
    if (counted) {
      server.releaseSlot();
    }
    server.forget(this);
    ended.countDown();
  }

  /** Waits until this connection's reader has finished and its socket is closed. */
  boolean awaitEnded(long timeout, TimeUnit unit) throws InterruptedException {
    return ended.await(timeout, unit);
  }

  /** The member this connection joined as, or null before WELCOME. */
  Member member() {
    return member;
  }

  private void handle(ClientMessage message) {
    if (!limiter.tryAcquire()) {
      reply(new ServerMessage.Error(ErrorCode.RATE_LIMITED, "too many messages: at most "
          + config.rate() + " a second (burst " + config.burst() + "); this one was dropped"));
      return;
    }
    Member m = member;
    switch (message) {
      case ClientMessage.Join join -> {
        if (m != null) {
          reply(new ServerMessage.Error(ErrorCode.ALREADY_JOINED,
              "you already joined as " + m.name()));
          return;
        }
        Optional<Member> joined = room.join(this, join.name());
        if (joined.isPresent()) {
          joinedAs(joined.get());
        }
      }
      case ClientMessage.Say say -> {
        if (m == null) {
          notJoined();
        } else if (textAccepted(say.text())) {
          room.say(m, say.text());
        }
      }
      case ClientMessage.Dm dm -> {
        if (m == null) {
          notJoined();
        } else if (textAccepted(dm.text()) && !room.dm(m, dm.to(), dm.text())) {
          reply(new ServerMessage.Error(ErrorCode.NO_SUCH_USER, "nobody here is called that"));
        }
      }
      case ClientMessage.Who who -> {
        if (m == null) {
          notJoined();
        } else {
          room.who(m);
        }
      }
      case ClientMessage.Ping ping -> reply(new ServerMessage.Pong(ping.token()));
      case ClientMessage.Bye bye -> throw new IllegalStateException("BYE is handled by the loop");
    }
  }

  private void joinedAs(Member m) {
    member = m;
    ScheduledFuture<?> d = deadline;
    if (d != null) {
      d.cancel(false);
    }
    log.info("join {} from {}", m.name(), peer);
    try {
      socket.setSoTimeout(millis(config.idleTimeout()));
    } catch (IOException e) {
      closeSocket();
    }
  }

  private boolean textAccepted(String text) {
    switch (Texts.check(text)) {
      case OK -> {
        return true;
      }
      case TOO_LONG -> reply(new ServerMessage.Error(ErrorCode.TEXT_TOO_LONG,
          "a message has at most " + Texts.MAX_BYTES + " UTF-8 bytes; it was not delivered"));
      case INVALID -> reply(new ServerMessage.Error(ErrorCode.TEXT_INVALID,
          "a message must not be empty, blank or hold control or format characters;"
              + " it was not delivered"));
    }
    return false;
  }

  private void notJoined() {
    reply(new ServerMessage.Error(ErrorCode.NOT_JOINED, "join first: send JOIN with a name"));
  }

  /** Queues a direct answer to this client; a full backlog removes it as too slow. */
  void reply(ServerMessage message) {
    Outbox box = outbox;
    if (box != null && !box.offer(MessageCodec.encode(message))) {
      Member m = member;
      if (m == null || room.leave(m, Room.TOO_SLOW)) {
        removedAsTooSlow();
      }
    }
  }

  /** The room removed this client because its backlog overflowed: drop the backlog, close. */
  void removedAsTooSlow() {
    if (!removedTooSlow.compareAndSet(false, true)) {
      return;
    }
    Member m = member;
    log.info("leave {} from {}: {}", m == null ? "(not joined)" : m.name(), peer, Room.TOO_SLOW);
    closing.set(true);
    Outbox box = outbox;
    if (box != null) {
      box.abort();
    }
    closeSocket();
  }

  /**
   * Starts closing from the server's side: {@code last} (if any) is the final message, what is
   * queued is flushed, then the output is shut down; the socket is closed at the latest after
   * {@link #LINGER}. Messages the client sends meanwhile are read and ignored.
   */
  void beginClose(ServerMessage last) {
    closeLock.lock();
    try {
      if (!closing.compareAndSet(false, true)) {
        return;
      }
      Outbox box = outbox;
      if (box == null) {
        pendingLast = last; // the handshake is still running; run() sends it when it ends
      } else {
        box.finish(last == null ? null : MessageCodec.encode(last));
      }
    } finally {
      closeLock.unlock();
    }
    server.schedule(this::closeSocket, LINGER);
  }

  /** Waits until this connection's last messages were written or failed. */
  boolean awaitFlushed(long timeout, TimeUnit unit) throws InterruptedException {
    Outbox box = outbox;
    return box == null || box.awaitDone(timeout, unit);
  }

  /** Closes the socket now; the reader and writer end with it. */
  void closeSocket() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing more to do: it is closed as far as this server is concerned
    }
  }

  private void handshakeDeadlinePassed() {
    if (member == null && !closing.get()) {
      log.info("closed {}: no WELCOME within {} s of connecting", peer,
          seconds(config.handshakeTimeout()));
      if (outbox == null) {
        closing.set(true); // still in the handshake: nothing can be said, just hang up
        closeSocket();
      } else {
        beginClose(JOIN_TOO_LATE);
      }
    }
  }

  private void writerFinished(boolean flushed) {
    if (flushed) {
      try {
        socket.shutdownOutput();
      } catch (IOException e) {
        closeSocket();
      }
    } else {
      closeSocket();
    }
  }

  /** Bounds the reads of a closing connection by {@link #LINGER}. */
  private void lingerReads() {
    try {
      socket.setSoTimeout(millis(LINGER));
    } catch (IOException e) {
      // already closed: the next read ends the loop
    }
  }

  /** Reads and drops records until the client closes or {@link #LINGER} passes. */
  private void drain(MessageChannel channel) {
    try {
      socket.setSoTimeout(millis(LINGER));
      while (true) {
        channel.receivePlaintext();
      }
    } catch (IOException | IllegalStateException e) {
      // the client closed, broke or lingered: either way this connection is over
    }
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : Double.toString(d.toMillis() / 1000.0);
  }

  private static String brief(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  static String describe(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return KnownServers.hostPort(inet.getAddress().getHostAddress(), inet.getPort());
    }
    return String.valueOf(address);
  }
}
