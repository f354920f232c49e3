package dev.lanchat.bench;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.crypto.X25519;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientAuthentication;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.HandshakeResult;
import dev.lanchat.common.message.Batch;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.Message;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.StrictUtf8;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.TerminalText;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One load-generating chat client: a loopback TCP connection, the client handshake (trusting any
 * server key, as a benchmark may), JOIN, then {@link #receive} for every later record. It counts
 * the socket reads under its buffer, so a run can tell how many records arrive per read.
 *
 * <p>Not thread-safe, except that one thread may {@link #say} while another receives, as
 * {@link MessageChannel} allows.
 */
final class LoadClient implements AutoCloseable {
  private static final int READ_BUFFER = 1 << 16;

  /**
   * Closes a socket whose set-up outlives its time. Connects and reads are never timed: a timed
   * one switches a socket to non-blocking for good, and then every read that has to wait costs a
   * {@code poll} and a second {@code read} (9 % of all CPU samples in a run at 1,000 msg/s).
   */
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("load-client-watchdog").daemon(true).factory());

  /** How messages travel: sealed records of a secure channel, or plaintext frames. */
  private interface Link {
    /** Sends {@code messages} in order, with one write. */
    void send(List<Message> messages) throws IOException;

    /** The next record's plaintext, or the next frame's. */
    byte[] receivePlaintext() throws IOException;
  }

  /**
   * The server's messages as they lie in the link's plaintexts, one at a time: a BATCH's in
   * order before the next plaintext is read. Read where they lie, so that a join storm's
   * membership records can be counted without being decoded ({@link MembershipReader}).
   */
  private static final class Inbox {
    private final Link link;
    private final ArrayDeque<Batch.Slice> rest = new ArrayDeque<>();

    Inbox(Link link) {
      this.link = link;
    }

    Batch.Slice next() throws IOException {
      Batch.Slice queued = rest.poll();
      if (queued != null) {
        return queued;
      }
      List<Batch.Slice> slices = Batch.slices(link.receivePlaintext());
      rest.addAll(slices.subList(1, slices.size()));
      return slices.get(0);
    }

    ServerMessage receive() throws IOException {
      return next().decode();
    }
  }

  /** LanChat's record layer: a channel after the handshake. */
  private record Sealed(MessageChannel channel) implements Link {
    @Override
    public void send(List<Message> messages) throws IOException {
      channel.sendEncoded(messages.stream().map(MessageCodec::encode).toList());
    }

    @Override
    public byte[] receivePlaintext() throws IOException {
      return channel.records().receive();
    }
  }

  /**
   * The no-crypto yardstick's framing ({@link PlainServer}): one encoded message per frame, or a
   * BATCH of them. The lock serialises senders, as the secure channel's does.
   */
  private static final class Plain implements Link {
    private final FrameReader reader;
    private final FrameWriter writer;
    private final ReentrantLock sendLock = new ReentrantLock();

    Plain(FrameReader reader, FrameWriter writer) {
      this.reader = reader;
      this.writer = writer;
    }

    @Override
    public void send(List<Message> messages) throws IOException {
      sendLock.lock();
      try {
        writer.writeFrames(messages.stream().map(MessageCodec::encode).toList());
      } finally {
        sendLock.unlock();
      }
    }

    @Override
    public byte[] receivePlaintext() throws IOException {
      return reader.readFrame();
    }
  }

  /** Connects a load client to a server: LanChat's ({@link #connect}) or the yardstick. */
  @FunctionalInterface
  interface Connector {
    LoadClient connect(InetSocketAddress server, String name, int timeoutMillis,
        SecureRandom random) throws IOException;
  }

  private final String name;
  private final Socket socket;
  private final CountingInputStream counted;
  private final Link channel;
  private final Inbox inbox;
  private final long handshakeNanos;
  private final long joinNanos;
  private final Roster roster;
  // the next client message id: ids are any u64 but 0, unique per key (one key per client here)
  private long nextId = 1;

  /**
   * The room's members as the ROSTER pages after ENTERED listed them: how many, and the sum of
   * {@link #hash} of their names, so a storm of 10,000 clients needs no 10,000 lists of
   * 10,000 names on the load side.
   */
  record Roster(int count, long nameSum) {}

  private LoadClient(String name, Socket socket, CountingInputStream counted,
      Link channel, Inbox inbox, long handshakeNanos, long joinNanos, Roster roster) {
    this.name = name;
    this.socket = socket;
    this.counted = counted;
    this.channel = channel;
    this.inbox = inbox;
    this.handshakeNanos = handshakeNanos;
    this.joinNanos = joinNanos;
    this.roster = roster;
  }

  /** The room's members when this client entered, itself included. */
  Roster roster() {
    return roster;
  }

  /** A 64-bit mix of a name (SplitMix64 over its String hash), for roster sums. */
  static long hash(String name) {
    return mix(name.hashCode(), name.length());
  }

  /**
   * {@link #hash(String)} of the name in {@code length} bytes of UTF-8 from {@code offset}, read
   * where it lies: an ASCII name's bytes are its chars, so its String hash needs no String.
   *
   * @throws ProtocolException if the bytes are not strict UTF-8
   */
  static long hash(byte[] data, int offset, int length) throws ProtocolException {
    int h = 0;
    for (int i = offset; i < offset + length; i++) {
      if (data[i] < 0) { // not ASCII: the String's chars are not its bytes
        return hash(StrictUtf8.decode(data, offset, length).orElseThrow(() ->
            new ProtocolException(Reason.MALFORMED_MESSAGE, "a name that is not UTF-8")));
      }
      h = 31 * h + data[i];
    }
    return mix(h, length);
  }

  private static long mix(int stringHash, int length) {
    long z = stringHash * 0x9E3779B97F4A7C15L + length;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Connects to {@code server}, runs the handshake and joins as {@code name}, waiting for
   * WELCOME.
   *
   * @param timeoutMillis socket connect and read timeout ({@code > 0})
   * @throws IOException if the connection, the handshake or the join fails (an ERROR instead of
   *     WELCOME included)
   */
  static LoadClient connect(InetSocketAddress server, String name, int timeoutMillis,
      SecureRandom random) throws IOException {
    // a fresh key per load client: each binds its own name on the server under test
    return connect(server, name, timeoutMillis, random, Identity.generate(random));
  }

  /**
   * As {@link #connect(InetSocketAddress, String, int, SecureRandom)}, proving {@code identity}
   * (one key may hold many names): a handshake run then costs what a returning client's does,
   * without making a key first.
   */
  static LoadClient connect(InetSocketAddress server, String name, int timeoutMillis,
      SecureRandom random, Identity identity) throws IOException {
    return open(server, name, timeoutMillis, sealed(random, identity), true);
  }

  /**
   * As {@link #connect(InetSocketAddress, String, int, SecureRandom, Identity)}, but ends at
   * WELCOME: the session of issue 12's handshake target (connect, handshake, client
   * authentication, JOIN), entering no room. {@link #roster()} is empty.
   *
   * @throws IOException as {@link #connect} does
   */
  static LoadClient login(InetSocketAddress server, String name, int timeoutMillis,
      SecureRandom random, Identity identity) throws IOException {
    return open(server, name, timeoutMillis, sealed(random, identity), false);
  }

  /**
   * The handshake, trusting any server key, then CLIENT_AUTH and {@code join} in one write: the
   * client does not wait for an answer between them (protocol §2.5).
   */
  private static LinkMaker sealed(SecureRandom random, Identity identity) {
    return (reader, writer, join) -> {
      HandshakeResult handshake =
          ClientHandshake.verifyServer(reader, writer, X25519.generate(random));
      Sealed link = new Sealed(new MessageChannel(handshake.channel(reader, writer)));
      link.send(List.of(ClientAuthentication.prove(identity, handshake.th()), join));
      return link;
    };
  }

  /**
   * Connects to the no-crypto yardstick ({@link PlainServer}) and joins as {@code name}: no
   * handshake, plaintext frames, the same messages.
   *
   * @throws IOException as {@link #connect} does
   */
  static LoadClient connectPlain(InetSocketAddress server, String name, int timeoutMillis,
      SecureRandom random) throws IOException {
    return open(server, name, timeoutMillis, (reader, writer, join) -> {
      Plain link = new Plain(reader, writer);
      link.send(List.of(join));
      return link;
    }, true);
  }

  /**
   * What makes a link from a connected socket's frames (the handshake, if any, runs here) and
   * sends {@code join} as its first message.
   */
  private interface LinkMaker {
    Link make(FrameReader reader, FrameWriter writer, ClientMessage.Join join)
        throws IOException;
  }

  private static LoadClient open(InetSocketAddress server, String name, int timeoutMillis,
      LinkMaker maker, boolean enter) throws IOException {
    long start = System.nanoTime();
    Socket socket = new Socket();
    // whoever sets it first decides: the watchdog, which then closes the socket, or the set-up,
    // ending (a cancel alone cannot tell: it succeeds on a watchdog that is already running)
    AtomicBoolean decided = new AtomicBoolean();
    ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
      if (decided.compareAndSet(false, true)) {
        closeQuietly(socket);
      }
    }, timeoutMillis, TimeUnit.MILLISECONDS);
    try {
      socket.setTcpNoDelay(true);
      socket.connect(server);
      CountingInputStream counted = new CountingInputStream(socket.getInputStream());
      FrameReader reader = new FrameReader(new BufferedInputStream(counted, READ_BUFFER));
      FrameWriter writer = new FrameWriter(socket.getOutputStream());
      Link channel = maker.make(reader, writer, new ClientMessage.Join(name));
      Inbox inbox = new Inbox(channel);
      long handshaken = System.nanoTime();
      ServerMessage first = inbox.receive();
      if (!(first instanceof ServerMessage.Welcome)) {
        throw new IOException("JOIN as " + name + " got " + describe(first) + " instead of WELCOME");
      }
      Roster roster = new Roster(0, 0);
      if (enter) {
        roster = enter(channel, inbox, name);
      }
      long entered = System.nanoTime();
      watchdog.cancel(false);
      if (!decided.compareAndSet(false, true)) {
        throw notSetUp(name, timeoutMillis); // it fired after the last read: the socket is shut
      }
      return new LoadClient(name, socket, counted, channel, inbox, handshaken - start,
          entered - handshaken, roster);
    } catch (IOException | RuntimeException e) {
      socket.close();
      watchdog.cancel(false);
      if (!decided.compareAndSet(false, true) && !(e instanceof SocketTimeoutException)) {
        // the watchdog closed the socket under a read or a connect
        throw notSetUp(name, timeoutMillis);
      }
      throw e;
    }
  }

  /** What a set-up that the watchdog ended throws. */
  private static SocketTimeoutException notSetUp(String name, int timeoutMillis) {
    return new SocketTimeoutException(name + " was not set up within " + timeoutMillis + " ms");
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // the set-up that owns it reports the timeout
    }
  }

  /**
   * ENTER of the room, as a new member ({@code since} 0): ENTERED, the ROSTER pages, then the
   * history it announced, read and dropped; what follows is live, starting with this client's
   * own JOINED.
   */
  private static Roster enter(Link channel, Inbox inbox, String name) throws IOException {
    // as our client does: BATCH_OK right after WELCOME (protocol §5.13); here in one write
    channel.send(
        List.of(new ClientMessage.BatchOk(), new ClientMessage.Enter(PlainWire.ROOM, 0)));
    ServerMessage answer = inbox.receive();
    if (!(answer instanceof ServerMessage.Entered entered)) {
      throw new IOException("ENTER as " + name + " got " + describe(answer)
          + " instead of ENTERED");
    }
    RosterSum roster = new RosterSum();
    boolean more = true;
    while (more) {
      Batch.Slice page = inbox.next();
      if (page.type() != ServerMessage.Roster.TYPE) {
        throw new IOException(name + " got " + describe(page.decode())
            + " where a ROSTER page was due");
      }
      more = MembershipReader.rosterPage(page, roster);
    }
    for (long i = 0; i < entered.history(); i++) {
      inbox.next(); // context from before this client: not part of any run
    }
    return new Roster(roster.count, roster.sum);
  }

  /** The count and {@link #hash} sum of the names of a ROSTER's pages. */
  private static final class RosterSum implements MembershipReader.Names {
    int count;
    long sum;

    @Override
    public void listed(byte[] data, int offset, int length) throws ProtocolException {
      count++;
      sum += hash(data, offset, length);
    }
  }

  String name() {
    return name;
  }

  /** Connect plus handshake, up to a verified SERVER_AUTH. */
  long handshakeNanos() {
    return handshakeNanos;
  }

  /** From sending JOIN until ENTERED, the roster and any history were read. */
  long joinNanos() {
    return joinNanos;
  }

  /** Socket reads that returned data, so far. */
  long socketReads() {
    return counted.reads;
  }

  /** Bytes the socket reads returned, so far. */
  long socketBytes() {
    return counted.bytes;
  }

  /**
   * Sends one SAY.
   *
   * @throws IOException if the connection fails
   */
  void say(String text) throws IOException {
    channel.send(List.of(new ClientMessage.Say(nextId++, PlainWire.ROOM, text)));
  }

  /**
   * Reads the next message from the server.
   *
   * @throws IOException if the connection fails or the record is bad
   */
  ServerMessage receive() throws IOException {
    return inbox.receive();
  }

  /**
   * The next message from the server where it lies, not decoded; {@link Batch.Slice#decode}
   * makes it what {@link #receive} returns.
   *
   * @throws IOException if the connection fails or the record is bad
   */
  Batch.Slice receiveSlice() throws IOException {
    return inbox.next();
  }

  /** Says BYE if it still can, then closes the socket. */
  @Override
  public void close() {
    try {
      if (!socket.isClosed()) {
        channel.send(List.of(new ClientMessage.Bye()));
      }
    } catch (IOException | RuntimeException e) {
      // the connection is going anyway
    }
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /**
   * Says BYE and waits until the server closes the connection: by then it has ended the session
   * and freed the name, so the same name may join again at once.
   *
   * @throws IOException if the server sends anything but BYE before it closes, or the read times
   *     out
   */
  void leave() throws IOException {
    try {
      channel.send(List.of(new ClientMessage.Bye()));
      while (true) {
        ServerMessage m = inbox.receive();
        if (!(m instanceof ServerMessage.Bye)) {
          throw new IOException(name + " got " + describe(m) + " after its BYE");
        }
      }
    } catch (java.io.EOFException e) {
      // the server closed the connection: the session is over
    } finally {
      abort();
    }
  }

  /** Closes the socket at once, which ends a blocked {@link #receive}; any thread. */
  void abort() {
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** What a server message is, for an error line; never a chat text. */
  static String describe(ServerMessage message) {
    return switch (message) {
      case ServerMessage.Error e -> "ERROR " + e.code();
      case ServerMessage.Bye b -> "BYE";
      case ServerMessage.Left l -> "LEFT " + TerminalText.render(l.name()) + " (reason \""
          + TerminalText.render(l.reason()) + "\")";
      default -> message.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
    };
  }

  /** Counts the reads that reach the socket (what the buffer above asks for). */
  private static final class CountingInputStream extends FilterInputStream {
    // written by the one reading thread, read by the reporter after that thread has ended
    private volatile long reads;
    private volatile long bytes;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        reads++;
        bytes++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        reads++;
        bytes += n;
      }
      return n;
    }
  }
}
