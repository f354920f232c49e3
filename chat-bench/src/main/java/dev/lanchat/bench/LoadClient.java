package dev.lanchat.bench;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.crypto.X25519;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.ServerKeyVerifier;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.TerminalText;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

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
  /** The room every load client enters, as our client does. */
  static final String GENERAL = "#general";

  private final String name;
  private final Socket socket;
  private final CountingInputStream counted;
  private final MessageChannel channel;
  private final long handshakeNanos;
  private final long joinNanos;
  private final ServerMessage.Welcome welcome;
  private final List<Member> roster;
  /** The last client message id used: a random start, one more per SAY. */
  private long lastId;

  private LoadClient(String name, Socket socket, CountingInputStream counted,
      MessageChannel channel, long handshakeNanos, long joinNanos, ServerMessage.Welcome welcome,
      List<Member> roster) {
    this.name = name;
    this.socket = socket;
    this.counted = counted;
    this.channel = channel;
    this.handshakeNanos = handshakeNanos;
    this.joinNanos = joinNanos;
    this.welcome = welcome;
    this.roster = List.copyOf(roster);
    this.lastId = new SecureRandom().nextLong(1, Long.MAX_VALUE / 2);
  }

  /** Who the ROSTER of this client's ENTER of #general listed, itself included. */
  List<Member> roster() {
    return roster;
  }

  /** The WELCOME that answered this client's JOIN. */
  ServerMessage.Welcome welcome() {
    return welcome;
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
    long start = System.nanoTime();
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(server, timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      CountingInputStream counted = new CountingInputStream(socket.getInputStream());
      FrameReader reader = new FrameReader(new BufferedInputStream(counted, READ_BUFFER));
      FrameWriter writer = new FrameWriter(socket.getOutputStream());
      // a fresh key per load client: each binds its own name on the server under test
      MessageChannel channel = new MessageChannel(ClientHandshake.run(reader, writer,
          Identity.generate(random), X25519.generate(random), ServerKeyVerifier.TRUST_ANY)
          .channel(reader, writer));
      long handshaken = System.nanoTime();
      channel.send(new ClientMessage.Join(name));
      ServerMessage first = channel.receiveFromServer();
      if (!(first instanceof ServerMessage.Welcome welcome)) {
        throw new IOException("JOIN as " + name + " got " + describe(first) + " instead of WELCOME");
      }
      long welcomed = System.nanoTime();
      return new LoadClient(name, socket, counted, channel, handshaken - start,
          welcomed - handshaken, welcome, enter(channel, name));
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Enters #general as our client does after WELCOME and reads ENTERED and the ROSTER records;
   * the client's own JOINED, its first live event, is left to the reader.
   */
  private static List<Member> enter(MessageChannel channel, String name) throws IOException {
    channel.send(new ClientMessage.Enter(GENERAL, 0));
    ServerMessage entered = channel.receiveFromServer();
    if (!(entered instanceof ServerMessage.Entered)) {
      throw new IOException("ENTER as " + name + " got " + describe(entered)
          + " instead of ENTERED");
    }
    List<Member> members = new ArrayList<>();
    while (true) {
      ServerMessage m = channel.receiveFromServer();
      if (!(m instanceof ServerMessage.Roster roster)) {
        throw new IOException("ENTER as " + name + " got " + describe(m) + " instead of ROSTER");
      }
      members.addAll(roster.members());
      if (!roster.more()) {
        return members;
      }
    }
  }

  String name() {
    return name;
  }

  /** Connect plus handshake, up to a verified SERVER_AUTH. */
  long handshakeNanos() {
    return handshakeNanos;
  }

  /** From sending JOIN until WELCOME was read. */
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

  /** Sets the read timeout ({@code 0}: none). */
  void readTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  /**
   * Sends one SAY.
   *
   * @throws IOException if the connection fails
   */
  void say(String text) throws IOException {
    channel.send(new ClientMessage.Say(++lastId, GENERAL, text));
  }

  /**
   * Reads the next message from the server.
   *
   * @throws IOException if the connection fails or the record is bad
   */
  ServerMessage receive() throws IOException {
    return channel.receiveFromServer();
  }

  /** Says BYE if it still can, then closes the socket. */
  @Override
  public void close() {
    try {
      if (!socket.isClosed()) {
        channel.send(new ClientMessage.Bye());
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
