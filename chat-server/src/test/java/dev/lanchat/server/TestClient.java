package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.ServerKeyVerifier;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.ServerMessage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The client role of chat-common driven by a test: handshake, then a reader thread that puts
 * every received message on a queue, and {@link #await} to wait for one of a given type.
 */
final class TestClient implements AutoCloseable {
  /** Generous: the test machine is small and shared. */
  static final Duration WAIT = Duration.ofSeconds(30);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Socket socket;
  private final MessageChannel channel;
  private final Identity identity;
  private final LinkedBlockingQueue<ServerMessage> queue = new LinkedBlockingQueue<>();
  private final List<ServerMessage> log = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile IOException closedBy;
  private String name;

  private TestClient(Socket socket, MessageChannel channel, Identity identity) {
    this.socket = socket;
    this.channel = channel;
    this.identity = identity;
  }

  /** The identity this client proves (to connect again with the same key). */
  Identity identity() {
    return identity;
  }

  /** The key this client proved with CLIENT_AUTH (each test client has its own). */
  ByteString key() {
    return ByteString.copyOf(identity.publicKey());
  }

  /** This client as WELCOME, JOINED and ROSTER name it, joined as {@code name}. */
  Member as(String name) {
    return new Member(name, key());
  }

  /** Connects and runs the handshake; nothing is sent after it. */
  static TestClient connect(int port) throws IOException {
    return connect(port, null, Identity.generate(RANDOM));
  }

  /** Connects with a receive buffer of {@code receiveBuffer} bytes (null: the default). */
  static TestClient connect(int port, Integer receiveBuffer) throws IOException {
    return connect(port, receiveBuffer, Identity.generate(RANDOM));
  }

  /** Connects and proves {@code identity} (to come back with the same key). */
  static TestClient connect(int port, Identity identity) throws IOException {
    return connect(port, (Integer) null, identity);
  }

  private static TestClient connect(int port, Integer receiveBuffer, Identity identity)
      throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer != null) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
    socket.setSoTimeout((int) WAIT.toMillis());
    MessageChannel channel = handshake(new BufferedInputStream(socket.getInputStream()),
        socket.getOutputStream(), identity);
    socket.setSoTimeout(0);
    TestClient client = new TestClient(socket, channel, identity);
    Thread.ofVirtual().name("test-client-reader").start(client::read);
    return client;
  }

  /**
   * Connects with a tiny receive buffer, sends JOIN and then never reads again: the server's
   * messages pile up in front of it. Returns the raw socket.
   */
  static Socket joinWithoutReading(int port, String name) throws IOException {
    return joinSilently(port, name).socket();
  }

  /** A joined client that never reads, and the channel it can still send on. */
  record Silent(Socket socket, MessageChannel channel) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** As {@link #joinWithoutReading}, keeping the channel so the client can go on sending. */
  static Silent joinSilently(int port, String name) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
    socket.setSoTimeout((int) WAIT.toMillis());
    MessageChannel channel = handshake(socket.getInputStream(), socket.getOutputStream(),
        Identity.generate(RANDOM));
    channel.send(new ClientMessage.Join(name));
    channel.send(new ClientMessage.Enter(GENERAL, 0));
    return new Silent(socket, channel);
  }

  /**
   * The client handshake, trusting any server key and proving {@code identity}, ending in a
   * message channel.
   */
  static MessageChannel handshake(InputStream in, OutputStream out, Identity identity)
      throws IOException {
    FrameReader reader = new FrameReader(in);
    FrameWriter writer = new FrameWriter(out);
    return new MessageChannel(ClientHandshake.run(reader, writer, identity, RANDOM,
        ServerKeyVerifier.TRUST_ANY).channel(reader, writer));
  }

  /** The names in a list of members, in order. */
  static List<String> names(List<Member> members) {
    return members.stream().map(Member::name).toList();
  }

  /** Connects, joins as {@code name} and waits for WELCOME. */
  static TestClient join(int port, String name) throws IOException {
    return join(port, name, Identity.generate(RANDOM));
  }

  /**
   * Connects proving {@code identity}, joins as {@code name}, waits for WELCOME and enters
   * #general as our client does, waiting for ENTERED (its own JOINED follows the ROSTER).
   */
  static TestClient join(int port, String name, Identity identity) throws IOException {
    TestClient client = connect(port, identity);
    client.send(new ClientMessage.Join(name));
    client.await(ServerMessage.Welcome.class);
    client.name = name;
    client.enter();
    return client;
  }

  /**
   * Enters #general as our client does right after WELCOME, and waits for ENTERED and then the
   * client's own JOINED, its first live event.
   */
  void enter() throws IOException {
    send(new ClientMessage.Enter(GENERAL, 0));
    await(ServerMessage.Entered.class);
    ByteString own = ByteString.copyOf(identity.publicKey());
    awaitMatching(m -> m instanceof ServerMessage.Joined j && j.member().key().equals(own),
        "its own JOINED");
  }

  /** Connects, joins as {@code name} and waits for WELCOME, entering no room. */
  static TestClient login(int port, String name) throws IOException {
    return login(port, name, Identity.generate(RANDOM));
  }

  /** Connects proving {@code identity}, joins as {@code name}, waits for WELCOME; no room. */
  static TestClient login(int port, String name, Identity identity) throws IOException {
    TestClient client = connect(port, identity);
    client.send(new ClientMessage.Join(name));
    client.await(ServerMessage.Welcome.class);
    client.name = name;
    return client;
  }

  /** Sends ENTER {@code room} (as new there) and waits for ENTERED and the own JOINED. */
  ServerMessage.Entered enter(String room) throws IOException {
    return enter(room, 0);
  }

  /**
   * Sends ENTER {@code room} with {@code since} and waits for ENTERED, the ROSTER records, the
   * history events it announced, and then the own JOINED.
   */
  ServerMessage.Entered enter(String room, long since) throws IOException {
    return enter(new ClientMessage.Enter(room, since));
  }

  /**
   * Sends {@code enter} and waits for ENTERED, the ROSTER records, the history events it
   * announced, and then the own JOINED.
   */
  ServerMessage.Entered enter(ClientMessage.Enter enter) throws IOException {
    String room = enter.room();
    send(enter);
    ServerMessage.Entered entered = await(ServerMessage.Entered.class);
    while (await(ServerMessage.Roster.class).more()) {
      // the roster's other pages
    }
    for (long i = 0; i < entered.history(); i++) {
      awaitMatching(m -> m instanceof ServerMessage.Event, "history event " + (i + 1));
    }
    ByteString me = key();
    awaitMatching(m -> m instanceof ServerMessage.Joined j && j.member().key().equals(me)
        && j.event().room().equals(entered.room()), "own JOINED in " + room);
    return entered;
  }

  /** A fresh client message id. */
  long nextId() {
    return IDS.incrementAndGet();
  }

  /** Sends SAY {@code text} to {@code room} with a fresh client message id. */
  void say(String room, String text) throws IOException {
    send(new ClientMessage.Say(nextId(), room, text));
  }

  /** Sends a DM with a fresh client message id. */
  void sendDm(String to, String text) throws IOException {
    send(dm(to, text));
  }

  /** True for a JOINED about anyone but this client. */
  boolean isOthersJoined(ServerMessage m) {
    ByteString own = ByteString.copyOf(identity.publicKey());
    return m instanceof ServerMessage.Joined j && !j.member().key().equals(own);
  }

  /** The room every test client enters. */
  static final String GENERAL = "#general";
  private static final java.util.concurrent.atomic.AtomicLong IDS =
      new java.util.concurrent.atomic.AtomicLong(RANDOM.nextLong(1, Long.MAX_VALUE / 2));

  /** SAY of {@code text} in #general with a fresh client message id. */
  static ClientMessage.Say say(String text) {
    return new ClientMessage.Say(IDS.incrementAndGet(), GENERAL, text);
  }

  /** DM of {@code text} to {@code to} with a fresh client message id. */
  static ClientMessage.Dm dm(String to, String text) {
    return new ClientMessage.Dm(IDS.incrementAndGet(), to, text);
  }

  /** WHO of #general. */
  static ClientMessage.Who who() {
    return new ClientMessage.Who(GENERAL);
  }

  String name() {
    return name;
  }

  /** The message channel, for sending encodings no {@link ClientMessage} makes. */
  MessageChannel channel() {
    return channel;
  }

  void send(ClientMessage message) throws IOException {
    channel.send(message);
  }

  /** Writes raw bytes to the socket, past the record layer. */
  void sendRaw(byte[] bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  /**
   * A MEMBERS_CHANGED as the JOINED and LEFT it stands for, in its order and with its ids and
   * time (protocol §5.8), so tests that await one change need not know how the room paced them.
   * Each carries the batch's head: the heads between are the client's to compute.
   */
  static List<ServerMessage> unbatched(ServerMessage m) {
    if (!(m instanceof ServerMessage.MembersChanged changed)) {
      return List.of(m);
    }
    List<ServerMessage> out = new ArrayList<>();
    for (int i = 0; i < changed.changes().size(); i++) {
      MemberChange change = changed.changes().get(i);
      EventHeader h = new EventHeader(changed.room(), changed.firstId() + i, changed.head(),
          changed.time(), change.key());
      out.add(switch (change) {
        case MemberChange.Joined j -> new ServerMessage.Joined(h, j.member());
        case MemberChange.Left l -> new ServerMessage.Left(h, l.name(), l.reason(), l.message());
      });
    }
    return out;
  }

  private void read() {
    try {
      while (true) {
        for (ServerMessage m : unbatched(channel.receiveFromServer())) {
          log.add(m);
          queue.add(m);
        }
      }
    } catch (IOException e) {
      closedBy = e;
    } catch (RuntimeException e) {
      closedBy = new IOException(e);
    } finally {
      closed.countDown();
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** Waits for the next message of {@code type}, dropping the others before it. */
  <T extends ServerMessage> T await(Class<T> type) {
    return type.cast(awaitMatching(type::isInstance, type.getSimpleName()));
  }

  /** Waits for the next message that {@code test} accepts, dropping the others before it. */
  ServerMessage awaitMatching(Predicate<ServerMessage> test, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<ServerMessage> skipped = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      ServerMessage m;
      try {
        m = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
      if (m == null) {
        fail(name + ": no " + what + " within " + WAIT + "; skipped " + summary(skipped)
            + (closed.getCount() == 0 ? "; connection closed by " + closedBy : ""));
      }
      if (test.test(m)) {
        return m;
      }
      skipped.add(m);
    }
  }

  /** A short description of many messages: the first few, cut, and how many in all. */
  private static String summary(List<ServerMessage> messages) {
    StringBuilder out = new StringBuilder().append(messages.size()).append(" messages");
    for (int i = 0; i < Math.min(5, messages.size()); i++) {
      String text = messages.get(i).toString();
      out.append(i == 0 ? ": " : ", ").append(text.length() > 80 ? text.substring(0, 80) + "..." : text);
    }
    return out.toString();
  }

  /** The next message, whatever it is, or null if none comes within {@code timeout}. */
  ServerMessage poll(Duration timeout) throws InterruptedException {
    return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Waits for ERROR with {@code code}. */
  ServerMessage.Error awaitError(ErrorCode code) {
    ServerMessage.Error error = await(ServerMessage.Error.class);
    assertEquals(code.code(), error.code(), "error code; text was: " + error.text());
    return error;
  }

  /** Waits for LEFT about {@code who}. */
  ServerMessage.Left awaitLeft(String who) {
    return (ServerMessage.Left) awaitMatching(
        m -> m instanceof ServerMessage.Left l && l.name().equals(who), "LEFT " + who);
  }

  /** Sends PING and waits for its PONG: everything the server sent before has arrived. */
  void sync() throws IOException {
    long token = RANDOM.nextLong();
    send(new ClientMessage.Ping(token));
    awaitMatching(m -> m instanceof ServerMessage.Pong p && p.token() == token, "PONG " + token);
  }

  /** Everything received so far, in order (including what {@link #await} dropped). */
  List<ServerMessage> log() {
    return List.copyOf(log);
  }

  /** Waits until the server has closed the connection (EOF or reset). */
  void awaitClosed() throws InterruptedException {
    if (!closed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      fail(name + ": the server did not close the connection within " + WAIT);
    }
  }

  boolean isClosed() {
    return closed.getCount() == 0;
  }

  /** Ends the connection with a TCP reset instead of a FIN. */
  void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
