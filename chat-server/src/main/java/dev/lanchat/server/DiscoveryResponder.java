package dev.lanchat.server;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.discovery.DiscoveryReply;
import dev.lanchat.common.discovery.DiscoveryRequest;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers LAN discovery requests (protocol §8) on a UDP port, normally the same port number as
 * the server's TCP port: every valid {@link DiscoveryRequest} gets a {@link DiscoveryReply}
 * signed with the server's identity, unicast to the sender, at most {@code
 * maxRepliesPerSecond} replies a second. Everything else — short, long or garbage datagrams,
 * other versions, replies reflected at us — gets nothing, so the responder can never be used to
 * amplify traffic: each reply is smaller than the request that caused it, and there are few.
 *
 * <p>One virtual thread receives and answers; {@link #close} stops it. Logging is at debug
 * level only and at most one summary line a second, whatever arrives. Thread-safe.
 */
public final class DiscoveryResponder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryResponder.class);
  private static final Duration SUMMARY_INTERVAL = Duration.ofSeconds(1);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final DatagramSocket socket;
  private final Identity identity;
  private final int tcpPort;
  private final String name;
  private final int maxRepliesPerSecond;
  private final RateLimiter bucket;
  private final Thread thread;
  private volatile boolean closed;

  private DiscoveryResponder(DatagramSocket socket, Identity identity, int tcpPort, String name,
      int maxRepliesPerSecond, LongSupplier nanoClock) {
    this.socket = socket;
    this.identity = identity;
    this.tcpPort = tcpPort;
    this.name = name;
    this.maxRepliesPerSecond = maxRepliesPerSecond;
    this.bucket = new RateLimiter(maxRepliesPerSecond, maxRepliesPerSecond, nanoClock);
    this.thread = Thread.ofVirtual()
        .name("lanchat-discovery-" + socket.getLocalPort())
        .unstarted(this::run);
  }

  /**
   * Binds a UDP socket (with {@code SO_REUSEADDR}) to {@code bind}:{@code udpPort} and starts
   * answering discovery requests with replies that announce {@code tcpPort} and {@code
   * serverName}.
   *
   * <p>A name longer than the 48 UTF-8 bytes a reply holds is cut at a code point boundary
   * (see {@link DiscoveryReply#fitName}) rather than refused, because a server's name often
   * defaults to a host name the user never chose; {@link #name()} tells what is announced.
   *
   * @param bind the local address to listen on, or {@code null} for every address (which is
   *     what receiving broadcasts needs)
   * @param udpPort the UDP port, normally the TCP port's number; {@code 0} picks a free one
   * @param tcpPort the TCP port the replies announce, 1 to 65,535
   * @param identity the server's long-term identity that signs every reply
   * @param serverName the name the replies announce
   * @param maxRepliesPerSecond replies per second, sustained and as a burst (protocol §8 says
   *     at most 20); {@code 0} turns the limit off, as for every rate limit of protocol §7
   * @throws BindException if the UDP port cannot be bound
   * @throws IOException if the socket cannot be created
   * @throws IllegalArgumentException if a port or the rate is out of range, or the name holds
   *     an unpaired surrogate
   */
  public static DiscoveryResponder start(InetAddress bind, int udpPort, int tcpPort,
      Identity identity, String serverName, int maxRepliesPerSecond) throws IOException {
    return start(bind, udpPort, tcpPort, identity, serverName, maxRepliesPerSecond,
        System::nanoTime);
  }

  static DiscoveryResponder start(InetAddress bind, int udpPort, int tcpPort, Identity identity,
      String serverName, int maxRepliesPerSecond, LongSupplier nanoClock) throws IOException {
    Objects.requireNonNull(identity, "identity");
    if (udpPort < 0 || udpPort > 0xFFFF) {
      throw new IllegalArgumentException("a UDP port is 0 to 65535, not " + udpPort);
    }
    if (tcpPort < 1 || tcpPort > 0xFFFF) {
      throw new IllegalArgumentException("a TCP port is 1 to 65535, not " + tcpPort);
    }
    if (maxRepliesPerSecond < 0) {
      throw new IllegalArgumentException("the discovery reply rate must not be negative");
    }
    String name = DiscoveryReply.fitName(serverName);
    InetSocketAddress local = new InetSocketAddress(bind, udpPort);
    DatagramSocket socket = new DatagramSocket(null);
    try {
      socket.setReuseAddress(true);
      socket.bind(local);
    } catch (IOException e) {
      socket.close();
      BindException failure = new BindException(
          "cannot listen for discovery on UDP " + local + ": " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
    DiscoveryResponder responder = new DiscoveryResponder(socket, identity, tcpPort, name,
        maxRepliesPerSecond, nanoClock);
    if (!name.equals(serverName)) {
      log.debug("server name cut to {} UTF-8 bytes for discovery replies",
          DiscoveryReply.MAX_NAME_BYTES);
    }
    responder.thread.start();
    log.debug("answering discovery requests on UDP {} for TCP port {}",
        socket.getLocalSocketAddress(), tcpPort);
    return responder;
  }

  /** The UDP port this responder listens on. */
  public int port() {
    return socket.getLocalPort();
  }

  /** The name the replies announce: the server name, cut to 48 UTF-8 bytes if it was longer. */
  public String name() {
    return name;
  }

  /** Stops answering and releases the port; waits briefly for the thread. Idempotent. */
  @Override
  public void close() {
    closed = true;
    socket.close();
    try {
      thread.join(CLOSE_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    // one byte more than a request, so a longer datagram shows as longer instead of truncated
    byte[] buffer = new byte[DiscoveryRequest.SIZE + 1];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    Summary summary = new Summary();
    while (!closed) {
      packet.setLength(buffer.length);
      try {
        socket.receive(packet);
      } catch (IOException e) {
        if (!closed) {
          log.debug("discovery stopped: {}", e.toString());
        }
        return;
      }
      answer(buffer, packet.getLength(), packet.getSocketAddress(), packet.getPort(), summary);
      summary.logIfDue();
    }
  }

  private void answer(byte[] datagram, int length, SocketAddress sender, int senderPort,
      Summary summary) {
    Optional<DiscoveryRequest> request = DiscoveryRequest.parse(datagram, length);
    if (request.isEmpty() || senderPort == 0) {
      summary.ignored++;
      return;
    }
    // the limit is checked before signing: signing is the only costly step
    if (!bucket.tryAcquire()) {
      summary.limited++;
      return;
    }
    byte[] reply = DiscoveryReply.sign(identity, request.get().nonce(), tcpPort, name).encode();
    try {
      socket.send(new DatagramPacket(reply, reply.length, sender));
      summary.answered++;
    } catch (IOException e) {
      summary.failed++;
    }
  }

  /** Counts since the last debug line, so a flood costs one line a second at most. */
  private final class Summary {
    private long answered;
    private long ignored;
    private long limited;
    private long failed;
    private long lastLog = System.nanoTime();

    void logIfDue() {
      long now = System.nanoTime();
      if (now - lastLog < SUMMARY_INTERVAL.toNanos()) {
        return;
      }
      if (ignored + limited + failed > 0 || answered > 0) {
        log.debug("discovery: answered {}, ignored {} invalid datagrams, dropped {} requests "
            + "over {}/s, {} replies failed to send", answered, ignored, limited,
            maxRepliesPerSecond, failed);
      }
      answered = ignored = limited = failed = 0;
      lastLog = now;
    }
  }
}
