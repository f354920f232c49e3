package dev.lanchat.server;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running LanChat server (protocol §5–7): it listens on a TCP port, admits connections within
 * the per-address limit, runs each on its own virtual thread, and keeps one {@link Room}.
 *
 * <p>Start it with {@link #start}, stop it with {@link #close}: every client then gets BYE with
 * {@link #SHUTDOWN_REASON}, and close returns once their last messages were written or a bounded
 * wait has passed. Thread-safe.
 *
 * <pre>{@code
 * try (ChatServer server = ChatServer.start(ServerConfig.defaults().withPort(0), identity)) {
 *   int port = server.port();
 *   ...
 * }
 * }</pre>
 */
public final class ChatServer implements AutoCloseable {
  /** The BYE reason every client gets when the server shuts down. */
  public static final String SHUTDOWN_REASON = "server shutting down";

  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(3);

  private final ServerConfig config;
  private final Identity identity;
  private final SecureRandom random = new SecureRandom();
  private final ServerSocket listener;
  private final Room room;
  private final AdmissionControl admission;
  private final ScheduledThreadPoolExecutor timers;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<AutoCloseable> companions = new ConcurrentLinkedQueue<>();
  private final AtomicInteger established = new AtomicInteger();
  private final AtomicLong nextId = new AtomicLong();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread acceptor;

  private ChatServer(ServerConfig config, Identity identity, ServerSocket listener) {
    this.config = config;
    this.identity = identity;
    this.listener = listener;
    this.room = new Room(config.motd());
    this.admission = new AdmissionControl(config.connectRate(), config.connectBurst());
    this.timers = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "lanchat-timers");
      t.setDaemon(true);
      return t;
    });
    timers.setRemoveOnCancelPolicy(true);
    this.acceptor = Thread.ofPlatform().name("lanchat-accept").daemon(false).unstarted(this::accept);
  }

  /**
   * Binds {@code config.bind():config.port()} and starts serving.
   *
   * @param config where to listen and which limits to enforce ({@code port 0} picks a free port)
   * @param identity the server's long-term key, used to sign SERVER_AUTH
   * @return the running server
   * @throws java.net.BindException if the address is in use or cannot be bound
   * @throws IOException if the listening socket cannot be opened
   */
  public static ChatServer start(ServerConfig config, Identity identity) throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(identity, "identity");
    ServerSocket listener = new ServerSocket();
    try {
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(config.bind(), config.port()), 1024);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    ChatServer server = new ChatServer(config, identity, listener);
    server.acceptor.start();
    log.info("listening on {} as {}", Connection.describe(listener.getLocalSocketAddress()),
        identity.fingerprint());
    return server;
  }

  /** The TCP port it listens on (the real one when the config asked for port 0). */
  public int port() {
    return listener.getLocalPort();
  }

  /** The address and port it listens on. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  /** The configuration it was started with. */
  public ServerConfig config() {
    return config;
  }

  /** Its long-term identity (what SERVER_AUTH and discovery replies are signed with). */
  public Identity identity() {
    return identity;
  }

  /** How many clients are connected past the handshake (joined or about to join). */
  public int clientCount() {
    return established.get();
  }

  /** The names of everyone joined, in join order. */
  public List<String> roster() {
    return room.roster();
  }

  /** True once {@link #close} has begun. */
  public boolean isClosed() {
    return closing.get();
  }

  /**
   * Stops the server: no new connections, BYE with {@link #SHUTDOWN_REASON} to every client,
   * then a bounded wait (a few seconds) for those last messages before every socket is closed.
   * Calling it again waits for the first call to finish.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      awaitClosed();
      return;
    }
    try {
      try {
        listener.close();
      } catch (IOException e) {
        log.debug("closing the listening socket failed: {}", e.getMessage());
      }
      List<Member> members = room.close();
      log.info("shutting down: saying BYE to {} clients ({} joined)", connections.size(),
          members.size());
      ServerMessage.Bye bye = new ServerMessage.Bye(SHUTDOWN_REASON);
      for (Connection c : connections) {
        c.beginClose(bye);
      }
      for (Member m : members) {
        log.info("leave {} from {}: {}", m.name(), m.connection().peer(), SHUTDOWN_REASON);
      }
      // first every BYE is written, then clients get a moment to hang up themselves: closing a
      // socket with unread input sends a reset, which can destroy the BYE before it is read
      long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
      for (Connection c : connections) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !c.awaitFlushed(left, TimeUnit.NANOSECONDS)) {
          break;
        }
      }
      for (Connection c : connections) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !c.awaitEnded(left, TimeUnit.NANOSECONDS)) {
          break;
        }
      }
      for (Connection c : connections) {
        c.closeSocket();
      }
      acceptor.join(SHUTDOWN_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeCompanions();
      timers.shutdownNow();
      closed.countDown();
    }
  }

  /**
   * Ties {@code companion} (a discovery responder, say) to this server's life: it is closed when
   * the server closes, or at once if the server is already closed.
   */
  public void closeWith(AutoCloseable companion) {
    Objects.requireNonNull(companion, "companion");
    companions.add(companion);
    if (closing.get() && closed.getCount() == 0) {
      closeCompanions();
    }
  }

  private void closeCompanions() {
    AutoCloseable c;
    while ((c = companions.poll()) != null) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitClosed() {
    boolean interrupted = false;
    while (true) {
      try {
        closed.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  SecureRandom random() {
    return random;
  }

  /** Counts a connection past the handshake; false when {@code maxClients} are already in. */
  boolean takeSlot() {
    while (true) {
      int now = established.get();
      if (now >= config.maxClients()) {
        return false;
      }
      if (established.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void releaseSlot() {
    established.decrementAndGet();
  }

  void forget(Connection connection) {
    connections.remove(connection);
  }

  /** Runs {@code task} once after {@code delay} on the timer thread; never throws. */
  ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return timers.schedule(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.warn("a timer task failed: {}", e.toString());
        }
      }, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return null; // shutting down: close() closes every socket itself
    }
  }

  private void accept() {
    while (!closing.get()) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (!closing.get()) {
          log.error("accepting connections failed: {}", e.getMessage());
        }
        return;
      }
      if (!admission.admit(socket.getInetAddress())) {
        log.debug("refused {}: too many new connections from that address",
            Connection.describe(socket.getRemoteSocketAddress()));
        try {
          socket.close();
        } catch (IOException e) {
          // already gone
        }
        continue;
      }
      long id = nextId.incrementAndGet();
      Connection connection = new Connection(this, room, socket, id);
      connections.add(connection);
      if (closing.get()) {
        connection.closeSocket();
        connections.remove(connection);
        return;
      }
      log.info("connect from {}", connection.peer());
      Thread.ofVirtual().name("lanchat-conn-" + id).start(connection::run);
    }
  }
}
