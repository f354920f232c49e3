package dev.lanchat.client;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.common.discovery.DiscoveryReply;
import dev.lanchat.common.discovery.DiscoveryRequest;
import dev.lanchat.common.rules.TerminalText;
import dev.lanchat.common.trust.KnownServers;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds LanChat servers on the LAN (protocol §8): sends one {@link DiscoveryRequest} with a
 * fresh nonce to each target, then keeps every reply that parses and whose signature verifies
 * against that nonce, until the wait is over.
 *
 * <p>A found server is a hint, not trust: the handshake and pinning rules of protocol §6 still
 * apply when the user connects. {@link Found#pinning} tells whether the key is already pinned,
 * here or at another address (a server whose DHCP address changed).
 *
 * <p>Stateless and thread-safe; each {@link #discover} call uses its own socket.
 */
public final class DiscoveryClient {
  /** The longest {@link #discover} accepts to wait. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(60);

  // bounds the receive loop by count as well as by time, whatever a hostile LAN sends
  private static final int MAX_DATAGRAMS = 10_000;

  private DiscoveryClient() {}

  /** How a found server's key relates to the client's pins. */
  public enum Pinning {
    /** This key is pinned for this very {@code host:port}. */
    PINNED_HERE,
    /** This key is pinned, but only for other addresses: a known server at a new address. */
    MOVED,
    /** Another key is pinned for this {@code host:port}: connecting would be refused. */
    CONFLICT,
    /** Neither the key nor the address is pinned. */
    UNKNOWN
  }

  /**
   * One server that answered: its announced name (from the network: print it only through
   * {@link #displayName()}), the address to connect to (the reply's source IP and announced TCP
   * port), its Ed25519 key {@code Si} and that key's fingerprint.
   *
   * @param name the server's name as announced, at most 48 UTF-8 bytes
   * @param tcpAddress the reply's source IP with the announced {@code tcp_port}
   * @param serverKey the server's 32-byte identity key {@code Si}
   * @param fingerprint {@code SHA256:…} of {@code serverKey}
   */
  public record Found(String name, InetSocketAddress tcpAddress, ByteString serverKey,
      String fingerprint) {
    public Found {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(tcpAddress, "tcpAddress");
      Objects.requireNonNull(serverKey, "serverKey");
      Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** A server found with a copy of {@code serverKey}. */
    public Found(String name, InetSocketAddress tcpAddress, byte[] serverKey, String fingerprint) {
      this(name, tcpAddress, ByteString.copyOf(serverKey), fingerprint);
    }

    /** The name, safe to print on a terminal. */
    public String displayName() {
      return TerminalText.render(name);
    }

    /** {@code host:port} as {@link KnownServers} keys pins, from the IP literal. */
    public String hostPort() {
      return KnownServers.hostPort(tcpAddress.getAddress().getHostAddress(), tcpAddress.getPort());
    }

    /** Every pin holding this server's key, wherever it was pinned, in file order. */
    public List<KnownServers.Pin> pinnedAs(KnownServers known) {
      return known.findByKey(serverKey.toByteArray());
    }

    /** How this server's key and address relate to {@code known}'s pins. */
    public Pinning pinning(KnownServers known) {
      return switch (known.check(hostPort(), serverKey.toByteArray()).outcome()) {
        case MATCH -> Pinning.PINNED_HERE;
        case MISMATCH -> Pinning.CONFLICT;
        case UNKNOWN -> pinnedAs(known).isEmpty() ? Pinning.UNKNOWN : Pinning.MOVED;
      };
    }

    @Override
    public String toString() {
      return "Found[" + displayName() + " at " + hostPort() + ", " + fingerprint + "]";
    }
  }

  /**
   * Sends one request, with a fresh nonce, to each target, and returns the servers that
   * answered within {@code wait}, in the order their first reply arrived. Replies that do not
   * parse, do not verify against this run's nonce, or repeat a server already found (same key
   * at the same address) are dropped. Always waits the whole {@code wait}: on a LAN there is no
   * way to know that every server has answered.
   *
   * @param targets where to send the request: broadcast addresses (see {@link
   *     #defaultTargets}) or servers' own addresses, all resolved
   * @param wait how long to collect replies, more than zero and at most {@link #MAX_WAIT}
   * @param random the source of the nonce
   * @throws IOException if no UDP socket can be opened, or the request could be sent to none of
   *     the targets
   * @throws IllegalArgumentException if {@code wait} is out of range or a target is unresolved
   */
  public static List<Found> discover(List<InetSocketAddress> targets, Duration wait,
      SecureRandom random) throws IOException {
    if (wait.isNegative() || wait.isZero() || wait.compareTo(MAX_WAIT) > 0) {
      throw new IllegalArgumentException("the discovery wait must be more than 0 and at most "
          + MAX_WAIT.toSeconds() + " s");
    }
    for (InetSocketAddress target : targets) {
      if (target.isUnresolved()) {
        throw new IllegalArgumentException("discovery target " + target + " is unresolved");
      }
    }
    if (targets.isEmpty()) {
      return List.of();
    }
    DiscoveryRequest request = DiscoveryRequest.random(random);
    ByteString nonce = request.nonce();
    long deadline = System.nanoTime() + wait.toNanos();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setBroadcast(true);
      sendToEach(socket, request.encode(), targets);
      return collect(socket, nonce, deadline);
    }
  }

  private static void sendToEach(DatagramSocket socket, byte[] datagram,
      List<InetSocketAddress> targets) throws IOException {
    IOException last = null;
    int sent = 0;
    for (InetSocketAddress target : targets) {
      try {
        socket.send(new DatagramPacket(datagram, datagram.length, target));
        sent++;
      } catch (IOException e) {
        // one unreachable interface must not stop discovery on the others
        last = e;
      }
    }
    if (sent == 0) {
      throw new IOException("cannot send a discovery request: " + last.getMessage(), last);
    }
  }

  private static List<Found> collect(DatagramSocket socket, ByteString nonce, long deadline)
      throws IOException {
    Map<String, Found> found = new LinkedHashMap<>();
    // one byte more than the largest reply, so a longer datagram shows as longer
    byte[] buffer = new byte[DiscoveryReply.MAX_SIZE + 1];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    for (int i = 0; i < MAX_DATAGRAMS; i++) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        break;
      }
      socket.setSoTimeout((int) Math.max(1, Math.ceilDiv(remaining, 1_000_000L)));
      packet.setLength(buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        break;
      }
      Optional<DiscoveryReply> reply = DiscoveryReply.parse(buffer, packet.getLength());
      if (reply.isEmpty() || !reply.get().verify(nonce)) {
        continue;
      }
      DiscoveryReply r = reply.get();
      ByteString key = r.identity();
      InetSocketAddress tcpAddress = new InetSocketAddress(packet.getAddress(), r.tcpPort());
      String id = key.hex() + " " + tcpAddress;
      found.putIfAbsent(id, new Found(r.name(), tcpAddress, key, Fingerprint.of(key)));
    }
    return List.copyOf(found.values());
  }

  /**
   * Where to broadcast a request on this machine's LANs: for each IPv4 address of each up,
   * non-loopback, broadcast-capable interface, that subnet's broadcast address (for
   * 192.168.1.20/24, {@code 192.168.1.255}) with {@code port}. Nothing is sent here.
   *
   * <p>Why subnet broadcast addresses rather than the limited broadcast {@code
   * 255.255.255.255}: a limited broadcast from one unbound socket leaves only by the interface
   * of the default route (and fails with "Network is unreachable" where there is none), so
   * reaching every LAN that way would need one socket bound to each interface. A subnet's
   * broadcast address is routed out of its own interface by the ordinary subnet route, from the
   * single socket {@link #discover} uses (with {@code SO_BROADCAST} set), and a server listening
   * on the wildcard address receives both kinds. A target list with {@code 255.255.255.255} in
   * it still works where the default route leads to the LAN.
   *
   * @throws SocketException if the interfaces cannot be listed
   */
  public static List<InetSocketAddress> defaultTargets(int port) throws SocketException {
    if (port < 1 || port > 0xFFFF) {
      throw new IllegalArgumentException("a port is 1 to 65535, not " + port);
    }
    List<InetSocketAddress> targets = new ArrayList<>();
    List<NetworkInterface> interfaces = NetworkInterface.networkInterfaces().toList();
    for (NetworkInterface nif : interfaces) {
      if (!nif.isUp() || nif.isLoopback() || nif.isPointToPoint()) {
        continue;
      }
      for (InterfaceAddress address : nif.getInterfaceAddresses()) {
        if (address.getAddress() instanceof Inet4Address && address.getBroadcast() != null) {
          InetSocketAddress target = new InetSocketAddress(address.getBroadcast(), port);
          if (!targets.contains(target)) {
            targets.add(target);
          }
        }
      }
    }
    return Collections.unmodifiableList(targets);
  }
}
