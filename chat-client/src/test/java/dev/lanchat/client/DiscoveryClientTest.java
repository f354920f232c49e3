package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.client.DiscoveryClient.Found;
import dev.lanchat.client.DiscoveryClient.Pinning;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.discovery.DiscoveryReply;
import dev.lanchat.common.discovery.DiscoveryRequest;
import dev.lanchat.common.trust.KnownServers;
import dev.lanchat.server.DiscoveryResponder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoveryClientTest {
  // generous: every reply comes at once on loopback, but the machine may be busy
  private static final Duration WAIT = Duration.ofMillis(2500);

  private final SecureRandom random = new SecureRandom();
  private final List<DiscoveryResponder> responders = new ArrayList<>();

  @AfterEach
  void closeResponders() {
    responders.forEach(DiscoveryResponder::close);
  }

  private DiscoveryResponder responder(String ip, int udpPort, int tcpPort, Identity identity,
      String name) throws IOException {
    DiscoveryResponder r = DiscoveryResponder.start(InetAddress.getByName(ip), udpPort, tcpPort,
        identity, name, 20);
    responders.add(r);
    return r;
  }

  private static InetSocketAddress at(String ip, int port) throws IOException {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  @Test
  void aClientFindsTwoServersOnDifferentPorts() throws Exception {
    Identity alpha = Identity.generate(random);
    Identity beta = Identity.generate(random);
    DiscoveryResponder a = responder("127.0.0.1", 0, 5001, alpha, "alpha");
    DiscoveryResponder b = responder("127.0.0.1", 0, 5002, beta, "beta");

    List<Found> found = sortedByName(DiscoveryClient.discover(
        List.of(at("127.0.0.1", a.port()), at("127.0.0.1", b.port())), WAIT, random));

    assertEquals(2, found.size(), found.toString());
    assertFound(found.get(0), "alpha", at("127.0.0.1", 5001), alpha);
    assertFound(found.get(1), "beta", at("127.0.0.1", 5002), beta);
  }

  @Test
  void aClientFindsTwoServersOnTwoAddressesWithTheSamePort() throws Exception {
    Identity alpha = Identity.generate(random);
    Identity beta = Identity.generate(random);
    DiscoveryResponder a = responder("127.0.0.2", 0, 4242, alpha, "alpha");
    int port = a.port();
    responder("127.0.0.3", port, 4242, beta, "beta");

    List<Found> found = sortedByName(DiscoveryClient.discover(
        List.of(at("127.0.0.2", port), at("127.0.0.3", port)), WAIT, random));

    assertEquals(2, found.size(), found.toString());
    assertFound(found.get(0), "alpha", at("127.0.0.2", 4242), alpha);
    assertFound(found.get(1), "beta", at("127.0.0.3", 4242), beta);
  }

  @Test
  void aPinnedServerThatMovedIsFoundByItsKey(@TempDir Path dir) throws Exception {
    Identity server = Identity.generate(random);
    KnownServers known = KnownServers.load(dir.resolve("known_servers"));
    known.pin("127.0.0.2:4242", server.publicKey(), false);
    DiscoveryResponder moved = responder("127.0.0.3", 0, 4242, server, "moved");

    List<Found> found = DiscoveryClient.discover(List.of(at("127.0.0.3", moved.port())),
        WAIT, random);

    assertEquals(1, found.size(), found.toString());
    Found f = found.get(0);
    assertEquals(at("127.0.0.3", 4242), f.tcpAddress());
    assertEquals(Pinning.MOVED, f.pinning(known));
    List<KnownServers.Pin> pins = f.pinnedAs(known);
    assertEquals(1, pins.size());
    assertEquals("127.0.0.2:4242", pins.get(0).hostPort());
    assertEquals(server.fingerprint(), pins.get(0).fingerprint());
  }

  @Test
  void pinningTellsPinnedHereConflictAndUnknownApart(@TempDir Path dir) throws Exception {
    Identity server = Identity.generate(random);
    Identity other = Identity.generate(random);
    KnownServers known = KnownServers.load(dir.resolve("known_servers"));
    known.pin("10.0.0.5:4242", server.publicKey(), false);
    known.pin("10.0.0.6:4242", other.publicKey(), false);

    assertEquals(Pinning.PINNED_HERE, found(server, "10.0.0.5", 4242).pinning(known));
    assertEquals(Pinning.CONFLICT, found(server, "10.0.0.6", 4242).pinning(known));
    assertEquals(Pinning.MOVED, found(server, "10.0.0.5", 4243).pinning(known));
    assertEquals(Pinning.UNKNOWN,
        found(Identity.generate(random), "10.0.0.7", 4242).pinning(known));
  }

  private static Found found(Identity identity, String ip, int port) throws IOException {
    return new Found("lab", at(ip, port), identity.publicKey(), identity.fingerprint());
  }

  @Test
  void forgedRepliesAreIgnoredAndOnlyTheGenuineOneIsFound() throws Exception {
    Identity genuine = Identity.generate(random);
    Identity impostor = Identity.generate(random);
    byte[] otherNonce = DiscoveryRequest.random(random).nonce().toByteArray();
    List<Function<byte[], byte[]>> forgeries = List.of(
        // a signature over another nonce (a replayed reply)
        nonce -> DiscoveryReply.sign(genuine, otherNonce, 4242, "lab").encode(),
        // one flipped bit in the signature
        nonce -> flip(DiscoveryReply.sign(genuine, nonce, 4242, "lab").encode(), 50),
        // the port changed after signing
        nonce -> {
          byte[] r = DiscoveryReply.sign(genuine, nonce, 4242, "lab").encode();
          r[10] ^= 1;
          return r;
        },
        // the name changed after signing
        nonce -> flip(DiscoveryReply.sign(genuine, nonce, 4242, "lab").encode(), 110),
        // the genuine signature under the impostor's key
        nonce -> new DiscoveryReply(4242, impostor.publicKey(),
            DiscoveryReply.sign(genuine, nonce, 4242, "lab").sig().toByteArray(), "lab").encode(),
        // not a reply at all
        nonce -> new DiscoveryRequest(nonce).encode(),
        nonce -> new byte[] {1, 2, 3});

    try (DatagramSocket fake = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      fake.setSoTimeout(10_000);
      CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
        try {
          byte[] buffer = new byte[200];
          DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
          fake.receive(packet);
          byte[] nonce = DiscoveryRequest.parse(buffer, packet.getLength()).orElseThrow()
              .nonce().toByteArray();
          for (Function<byte[], byte[]> forge : forgeries) {
            byte[] forged = forge.apply(nonce);
            fake.send(new DatagramPacket(forged, forged.length, packet.getSocketAddress()));
          }
          byte[] real = DiscoveryReply.sign(genuine, nonce, 4242, "lab").encode();
          // sent twice: the second copy is a duplicate and must not be listed again
          fake.send(new DatagramPacket(real, real.length, packet.getSocketAddress()));
          fake.send(new DatagramPacket(real, real.length, packet.getSocketAddress()));
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });

      List<Found> found = DiscoveryClient.discover(
          List.of(at("127.0.0.1", fake.getLocalPort())), WAIT, random);

      server.get(10, TimeUnit.SECONDS);
      assertEquals(1, found.size(), found.toString());
      assertFound(found.get(0), "lab", at("127.0.0.1", 4242), genuine);
    }
  }

  @Test
  void eachRunSendsAFreshNonce() throws Exception {
    try (DatagramSocket fake = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      fake.setSoTimeout(10_000);
      List<InetSocketAddress> target = List.of(at("127.0.0.1", fake.getLocalPort()));
      Duration shortWait = Duration.ofMillis(50);
      DiscoveryClient.discover(target, shortWait, random);
      DiscoveryClient.discover(target, shortWait, random);
      byte[] first = receiveNonce(fake);
      byte[] second = receiveNonce(fake);
      assertFalse(Arrays.equals(first, second));
    }
  }

  private static byte[] receiveNonce(DatagramSocket socket) throws IOException {
    byte[] buffer = new byte[200];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    socket.receive(packet);
    assertEquals(DiscoveryRequest.SIZE, packet.getLength());
    return DiscoveryRequest.parse(buffer, packet.getLength()).orElseThrow().nonce().toByteArray();
  }

  @Test
  void nothingAnsweringGivesAnEmptyListAfterTheWait() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      assertEquals(List.of(), DiscoveryClient.discover(
          List.of(at("127.0.0.1", silent.getLocalPort())), Duration.ofMillis(200), random));
    }
  }

  @Test
  void theNameIsPrintedOnlyThroughTerminalText() throws Exception {
    Identity server = Identity.generate(random);
    DiscoveryResponder r = responder("127.0.0.1", 0, 4242, server, "evil\u001B[2Jname");
    List<Found> found = DiscoveryClient.discover(List.of(at("127.0.0.1", r.port())), WAIT,
        random);
    assertEquals(1, found.size());
    assertEquals("evil\\x1B[2Jname", found.get(0).displayName());
    assertFalse(found.get(0).toString().contains("\u001B"));
  }

  @Test
  void badArgumentsAreRefused() throws Exception {
    List<InetSocketAddress> target = List.of(at("127.0.0.1", 9));
    assertThrows(IllegalArgumentException.class,
        () -> DiscoveryClient.discover(target, Duration.ZERO, random));
    assertThrows(IllegalArgumentException.class,
        () -> DiscoveryClient.discover(target, Duration.ofMinutes(2), random));
    assertThrows(IllegalArgumentException.class, () -> DiscoveryClient.discover(
        List.of(InetSocketAddress.createUnresolved("lanchat.invalid", 9)), WAIT, random));
    assertEquals(List.of(), DiscoveryClient.discover(List.of(), WAIT, random));
    assertThrows(IllegalArgumentException.class, () -> DiscoveryClient.defaultTargets(0));
  }

  /** Lists targets only: nothing is sent to them. */
  @Test
  void defaultTargetsAreTheIpv4BroadcastAddressesOfNonLoopbackInterfaces() throws Exception {
    List<InetAddress> broadcasts = new ArrayList<>();
    for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
      if (nif.isUp() && !nif.isLoopback()) {
        nif.getInterfaceAddresses().stream()
            .filter(a -> a.getAddress() instanceof Inet4Address && a.getBroadcast() != null)
            .forEach(a -> broadcasts.add(a.getBroadcast()));
      }
    }
    List<InetSocketAddress> targets = DiscoveryClient.defaultTargets(4242);
    for (InetSocketAddress target : targets) {
      assertEquals(4242, target.getPort());
      assertTrue(target.getAddress() instanceof Inet4Address, target.toString());
      assertFalse(target.getAddress().isLoopbackAddress(), target.toString());
      assertTrue(broadcasts.contains(target.getAddress()), target.toString());
    }
    assertEquals(targets.stream().distinct().count(), targets.size());
  }

  private static void assertFound(Found f, String name, InetSocketAddress tcpAddress,
      Identity identity) {
    assertEquals(name, f.name());
    assertEquals(tcpAddress, f.tcpAddress());
    assertArrayEquals(identity.publicKey(), f.serverKey().toByteArray());
    assertEquals(identity.fingerprint(), f.fingerprint());
  }

  private static List<Found> sortedByName(List<Found> found) {
    return found.stream().sorted(Comparator.comparing(Found::name)).toList();
  }

  private static byte[] flip(byte[] datagram, int at) {
    datagram[at] ^= 1;
    return datagram;
  }

}
