package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.server.store.E2eKeys;
import dev.lanchat.server.store.ServerLock;
import dev.lanchat.server.store.Store;
import dev.lanchat.server.store.StoreException;
import dev.lanchat.server.store.StoreWatcher;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ServerSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running LanChat server (protocol §5–7): it listens on a TCP port, admits connections within
 * the per-address limit, runs each on its own virtual thread, and keeps the rooms ({@link
 * Rooms}) and who is logged in ({@link Lobby}).
 *
 * <p>Start it with {@link #start}, stop it with {@link #close}: every client then gets BYE with
 * {@link #SHUTDOWN_REASON}, and close returns once their last messages were written or a bounded
 * wait has passed. Thread-safe.
 *
 * <pre>{@code
 * try (ChatServer server = ChatServer.start(ServerConfig.builder().port(0).build(), identity)) {
 *   int port = server.port();
 *   ...
 * }
 * }</pre>
 */
public final class ChatServer implements AutoCloseable {
  /** The BYE reason every client gets when the server shuts down. */
  public static final String SHUTDOWN_REASON = Connection.SHUTDOWN_REASON;

  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(3);
  private static final int LISTEN_BACKLOG = 1024;

  private final ServerServices services;
  private final ServerSocket listener;
  private final Chat chat;
  private final HandshakeSlots handshakes;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<AutoCloseable> companions = new ConcurrentLinkedQueue<>();
  private final AtomicLong nextId = new AtomicLong();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread acceptor;

  private ChatServer(ServerConfig config, Identity identity, ServerSocket listener,
      Store store) {
    ClientKeys keys = new ClientKeys(store, config.access());
    this.services = new ServerServices(config, identity, keys);
    this.listener = listener;
    this.chat = chat(config, store, keys);
    this.handshakes = new HandshakeSlots(config.maxHandshakes());
    Acceptor loop = new Acceptor(listener, new AdmissionControl(config.connectRate(),
        config.connectBurst(), config.maxPerAddress()), services::isClosed, this::serve);
    this.acceptor = Thread.ofPlatform().name("lanchat-accept").daemon(false).unstarted(loop::run);
  }

  /** The lobby, rooms and DMs of a server over {@code store}. */
  private static Chat chat(ServerConfig config, Store store, ClientKeys keys) {
    Lobby lobby = new Lobby(new NameRegistry(), keys);
    E2eKeys e2eKeys = store.e2eKeys();
    Rooms rooms = new Rooms(store.history(config.retention()), config.roomBudget(),
        System::nanoTime, NoticePacing.system(NoticePacing.DEFAULT_WINDOW), config.maxRooms(),
        config.maxRoomsPerClient(),
        (owner, now) -> e2eKeys.of(owner).filter(k -> k.notAfter() >= now).isPresent());
    Consumer<Member> tooSlow = slow -> {
      rooms.leaveAll(slow, Room.TOO_SLOW, "");
      slow.evicted(Room.TOO_SLOW);
    };
    DirectMessages dms = new DirectMessages(lobby, store.offlineDms(config.retention()),
        keys::binding, tooSlow);
    return new Chat(RoomInfo.of(config), lobby, rooms, dms,
        new E2eKeyRequests(e2eKeys, lobby, rooms, keys::binding, tooSlow));
  }

  /**
   * Binds {@code config.bind():config.port()} and starts serving.
   *
   * @param config where to listen and which limits to enforce ({@code port 0} picks a free port)
   * @param identity the server's long-term key, used to sign SERVER_AUTH
   * @return the running server
   * @throws StoreException if the store {@code config.dataFile()} cannot be opened or read (it
   *     is left as it is)
   * @throws java.net.BindException if the address is in use or cannot be bound
   * @throws IOException if the listening socket cannot be opened
   */
  public static ChatServer start(ServerConfig config, Identity identity) throws IOException {
    return start(config, identity, ServerSocketFactory.getDefault());
  }

  /** As {@link #start(ServerConfig, Identity)}, the listening socket made by {@code sockets}. */
  static ChatServer start(ServerConfig config, Identity identity, ServerSocketFactory sockets)
      throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(identity, "identity");
    ServerLock lock = ServerLock.take(config.dataFile());
    ChatServer server;
    Store store;
    ServerSocket listener;
    try {
      store = Store.open(config.dataFile(), Clock.systemUTC());
      try {
        listener = listen(config, sockets);
      } catch (IOException | RuntimeException e) {
        store.close();
        throw e;
      }
      server = new ChatServer(config, identity, listener, store);
      server.watch(store);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
    server.closeWith(lock); // after the store, which watch() handed over: released last
    server.sweep(store, config);
    server.acceptor.start();
    // the fingerprint is the start-up banner's to show, once; the log says where, in DEBUG
    log.debug("listening on {}", Peers.describe(listener.getLocalSocketAddress()));
    return server;
  }

  private static ServerSocket listen(ServerConfig config, ServerSocketFactory sockets)
      throws IOException {
    ServerSocket listener = sockets.createServerSocket();
    try {
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(config.bind(), config.port()), LISTEN_BACKLOG);
      return listener;
    } catch (IOException e) {
      listener.close();
      throw e;
    }
  }

  /**
   * Applies what admin commands change in the store while the server runs (within a second):
   * the store, its watcher and its checkpointer close with the server, the store last.
   */
  private void watch(Store store) throws StoreException {
    try {
      closeWith(new StoreWatcher(store::dataVersion, this::storeChanged).start());
      closeWith(store.startCheckpointer());
    } catch (StoreException e) {
      close(); // closes the watcher too, if it started
      store.close();
      throw e;
    }
    closeWith(store);
  }

  /**
   * The store changed under us: a client whose key is no longer allowed leaves now. Allowed keys,
   * released names and new invites need nothing here: they are read from the store when used.
   */
  private void storeChanged() {
    Set<ByteString> here = new HashSet<>();
    for (Connection c : connections) {
      c.key().ifPresent(here::add);
    }
    Set<ByteString> gone;
    try {
      gone = services.keys().notAllowed(here);
    } catch (StoreException e) {
      log.warn("cannot re-read the allowlist: {}", e.getMessage());
      return;
    }
    for (Connection c : connections) {
      if (c.key().filter(gone::contains).isPresent()) {
        c.denied();
      }
    }
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
    return services.config();
  }

  /** Its long-term identity (what SERVER_AUTH and discovery replies are signed with). */
  public Identity identity() {
    return services.identity();
  }

  /** How many clients are connected past the handshake (joined or about to join). */
  public int clientCount() {
    return services.slots().count();
  }

  /** The names of everyone joined (logged in), in join order. */
  public List<String> roster() {
    return chat.lobby().names();
  }

  /** The names of everyone in the room named {@code room}, in the order they entered it. */
  public List<String> roster(String room) {
    return chat.rooms().named(room).map(Room::names).orElse(List.of());
  }

  /**
   * Prunes what fell out of retention ({@code --history}, {@code --history-days}) now, in
   * bounded steps, and again every {@link HistorySweeper#PERIOD} while the server runs.
   */
  private void sweep(Store store, ServerConfig config) {
    HistorySweeper sweeper = new HistorySweeper(store.history(config.retention()),
        store.offlineDms(config.retention()), services);
    sweeper.run();
  }

  /** True once {@link #close} has begun. */
  public boolean isClosed() {
    return services.isClosed();
  }

  /**
   * Stops the server: no new connections, BYE with {@link #SHUTDOWN_REASON} to every client,
   * then a bounded wait (a few seconds) for those last messages before every socket is closed.
   * Calling it again waits for the first call to finish.
   */
  @Override
  public void close() {
    if (!services.beginClosing()) {
      awaitClosed();
      return;
    }
    try {
      try {
        listener.close();
      } catch (IOException e) {
        log.debug("closing the listening socket failed: {}", e.getMessage());
      }
      sayGoodbye();
      acceptor.join(SHUTDOWN_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeCompanions();
      services.stopTimers();
      closed.countDown();
    }
  }

  /** BYE to every connection, a bounded wait for it to leave, then every socket closed. */
  private void sayGoodbye() throws InterruptedException {
    chat.rooms().close();
    List<Member> members = chat.lobby().close();
    log.info("shutting down: saying BYE to {} clients ({} joined)", connections.size(),
        members.size());
    ServerMessage.Bye bye = new ServerMessage.Bye(SHUTDOWN_REASON);
    for (Connection c : connections) {
      c.shutDown(bye);
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
  }

  /**
   * Ties {@code companion} (a discovery responder, say) to this server's life: it is closed when
   * the server closes, or at once if the server is already closed.
   */
  public void closeWith(AutoCloseable companion) {
    Objects.requireNonNull(companion, "companion");
    companions.add(companion);
    if (services.isClosed() && closed.getCount() == 0) {
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

  /** Runs one admitted socket on its own virtual thread until it ends. */
  private void serve(Socket socket, AdmissionControl.Place place) {
    long id = nextId.incrementAndGet();
    ClientSocket client = new ClientSocket(socket);
    HandshakeSlots.Slot slot = handshakes.enter(() -> {
      log.debug("closed {}: displaced by a newer handshake", client.peer());
      client.close();
    });
    Connection connection = new Connection(services, chat, client, id, place, slot);
    connections.add(connection);
    if (services.isClosed()) {
      connection.closeSocket();
      connections.remove(connection);
      slot.leave();
      place.release();
      return;
    }
    log.info("connect from {}", connection.peer());
    Thread.ofVirtual().name("lanchat-conn-" + id).start(() -> {
      try {
        connection.run();
      } finally {
        connections.remove(connection);
      }
    });
  }
}
