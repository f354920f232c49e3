package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.discovery.DiscoveryReply;
import dev.lanchat.common.discovery.DiscoveryRequest;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DiscoveryResponderTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int TCP_PORT = 4242;
  private static final int RECEIVE_TIMEOUT_MS = 5_000;

  private final SecureRandom random = new SecureRandom();
  private final Identity identity = Identity.generate(random);
  private DiscoveryResponder responder;

  @AfterEach
  void closeResponder() {
    if (responder != null) {
      responder.close();
    }
  }

  private DiscoveryResponder start(String name, int rate) throws IOException {
    responder = DiscoveryResponder.start(LOOPBACK, 0, TCP_PORT, identity, name, rate);
    return responder;
  }

  private static DatagramSocket client() throws IOException {
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
    socket.setSoTimeout(RECEIVE_TIMEOUT_MS);
    return socket;
  }

  private void send(DatagramSocket socket, byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, LOOPBACK, responder.port()));
  }

  private static byte[] receive(DatagramSocket socket) throws IOException {
    byte[] buffer = new byte[2048];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    socket.receive(packet);
    return Arrays.copyOf(buffer, packet.getLength());
  }

  @Test
  void aValidRequestGetsAReplySignedForItsNonceAnnouncingTheTcpPortAndName() throws Exception {
    start("Lab server", 20);
    try (DatagramSocket socket = client()) {
      DiscoveryRequest request = DiscoveryRequest.random(random);
      send(socket, request.encode());
      DiscoveryReply reply = DiscoveryReply.parse(receive(socket)).orElseThrow();
      assertTrue(reply.verify(request.nonce()));
      assertEquals(TCP_PORT, reply.tcpPort());
      assertEquals("Lab server", reply.name());
      assertArrayEquals(identity.publicKey(), reply.identity().toByteArray());
    }
  }

  static Stream<Arguments> datagramsThatGetNoReply() {
    byte[] valid = DiscoveryRequest.random(new SecureRandom()).encode();
    byte[] otherVersion = valid.clone();
    otherVersion[8] = 2;
    byte[] otherMagic = valid.clone();
    otherMagic[0] = 'l';
    byte[] reflectedReply = DiscoveryReply.sign(Identity.generate(new SecureRandom()),
        new byte[32], 1, "x".repeat(48)).encode();
    byte[] reflectedReplyPadded = Arrays.copyOf(reflectedReply, 160);
    byte[] garbage = new byte[160];
    new SecureRandom().nextBytes(garbage);
    garbage[0] = 0;
    return Stream.of(
        Arguments.of("empty", new byte[0]),
        Arguments.of("only the magic and version", Arrays.copyOf(valid, 9)),
        Arguments.of("short by one byte", Arrays.copyOf(valid, 159)),
        Arguments.of("long by one byte", Arrays.copyOf(valid, 161)),
        Arguments.of("a full Ethernet frame", Arrays.copyOf(valid, 1472)),
        Arguments.of("another version", otherVersion),
        Arguments.of("another magic", otherMagic),
        Arguments.of("a reply reflected back", reflectedReply),
        Arguments.of("a reply padded to 160 bytes", reflectedReplyPadded),
        Arguments.of("random garbage", garbage),
        Arguments.of("the request in ASCII", "LANCHAT?".getBytes(StandardCharsets.US_ASCII)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("datagramsThatGetNoReply")
  void shortLongAndGarbageDatagramsGetNoReply(String what, byte[] datagram) throws Exception {
    start("lab", 20);
    try (DatagramSocket socket = client()) {
      for (int i = 0; i < 3; i++) {
        send(socket, datagram);
      }
      DiscoveryRequest valid = DiscoveryRequest.random(random);
      send(socket, valid.encode());
      // the responder handles datagrams in arrival order, so any reply to the bad datagrams
      // would arrive before this one
      DiscoveryReply first = DiscoveryReply.parse(receive(socket)).orElseThrow();
      assertTrue(first.verify(valid.nonce()), "the first reply answers the valid request");
    }
  }

  @Test
  void aThousandRequestsInASecondGetAtMostTwentyRepliesWhileTimeStandsStill() throws Exception {
    AtomicLong frozen = new AtomicLong(0);
    responder = DiscoveryResponder.start(LOOPBACK, 0, TCP_PORT, identity, "lab", 20, frozen::get);
    int replies = floodAndCount(1000).replies();
    assertTrue(replies >= 1 && replies <= 20, replies + " replies");
  }

  @Test
  void aThousandRequestsInASecondGetAtMostTwentyRepliesPlusTheRefillOfTheMeasuredTime()
      throws Exception {
    start("lab", 20);
    Flood flood = floodAndCount(1000);
    // tokens: 20 at the first request, plus 20 for every second until the last reply arrived
    double bound = 20 + 20 * flood.secondsFromFirstSendToLastReply();
    assertTrue(flood.replies() >= 1 && flood.replies() <= bound,
        flood.replies() + " replies, bound " + bound);
  }

  private record Flood(int replies, double secondsFromFirstSendToLastReply) {}

  /** Sends {@code count} valid requests as fast as possible, then counts verified replies. */
  private Flood floodAndCount(int count) throws IOException {
    try (DatagramSocket socket = client()) {
      DiscoveryRequest request = DiscoveryRequest.random(random);
      byte[] datagram = request.encode();
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        send(socket, datagram);
      }
      socket.setSoTimeout(1_000);
      int replies = 0;
      long lastReply = start;
      // bounded: at most one reply per request, and each wait ends after a quiet second
      for (int i = 0; i < count; i++) {
        byte[] reply;
        try {
          reply = receive(socket);
        } catch (SocketTimeoutException e) {
          break;
        }
        lastReply = System.nanoTime();
        assertTrue(DiscoveryReply.parse(reply).orElseThrow().verify(request.nonce()));
        replies++;
      }
      Flood flood = new Flood(replies, (lastReply - start) / 1e9);
      System.out.println(count + " requests: " + flood);
      return flood;
    }
  }

  @Test
  void everyReplyIsNoLargerThanItsRequestAndA48ByteNameMakesIt157Bytes() throws Exception {
    String name = "ß".repeat(24);
    start(name, 20);
    try (DatagramSocket socket = client()) {
      send(socket, DiscoveryRequest.random(random).encode());
      byte[] reply = receive(socket);
      assertEquals(157, reply.length);
      assertTrue(reply.length <= DiscoveryRequest.SIZE);
    }
  }

  @Test
  void aNameLongerThan48BytesIsCutAtACodePointBoundary() throws Exception {
    String name = "a".repeat(46) + "€€";
    start(name, 20);
    assertEquals("a".repeat(46), responder.name());
    try (DatagramSocket socket = client()) {
      DiscoveryRequest request = DiscoveryRequest.random(random);
      send(socket, request.encode());
      byte[] datagram = receive(socket);
      DiscoveryReply reply = DiscoveryReply.parse(datagram).orElseThrow();
      assertEquals("a".repeat(46), reply.name());
      assertTrue(reply.verify(request.nonce()));
      assertTrue(datagram.length <= DiscoveryRequest.SIZE);
    }
  }

  @Test
  void theReplyGoesToTheSendersAddressAndPort() throws Exception {
    start("lab", 20);
    try (DatagramSocket a = client(); DatagramSocket b = client()) {
      DiscoveryRequest fromB = DiscoveryRequest.random(random);
      b.send(new DatagramPacket(fromB.encode(), 160, LOOPBACK, responder.port()));
      assertTrue(DiscoveryReply.parse(receive(b)).orElseThrow().verify(fromB.nonce()));
      DiscoveryRequest fromA = DiscoveryRequest.random(random);
      a.send(new DatagramPacket(fromA.encode(), 160, LOOPBACK, responder.port()));
      assertTrue(DiscoveryReply.parse(receive(a)).orElseThrow().verify(fromA.nonce()));
    }
  }

  @Test
  void closeReleasesThePort() throws Exception {
    start("lab", 20);
    int port = responder.port();
    responder.close();
    responder.close();
    try (DatagramSocket again = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
      assertEquals(port, again.getLocalPort());
    }
  }

  @Test
  void aPortThatIsTakenGivesABindExceptionNamingIt() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
      // a socket without SO_REUSEADDR keeps the port to itself
      java.net.BindException e = assertThrows(java.net.BindException.class,
          () -> DiscoveryResponder.start(LOOPBACK, taken.getLocalPort(), TCP_PORT, identity,
              "lab", 20));
      assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
    }
  }

  @Test
  void outOfRangeArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> DiscoveryResponder.start(LOOPBACK, 0, 0, identity, "lab", 20));
    assertThrows(IllegalArgumentException.class,
        () -> DiscoveryResponder.start(LOOPBACK, 70000, TCP_PORT, identity, "lab", 20));
    assertThrows(IllegalArgumentException.class,
        () -> DiscoveryResponder.start(LOOPBACK, 0, TCP_PORT, identity, "lab", -1));
  }

  @Test
  void theBucketLetsABurstOfTwentyThroughThenRefillsTwentyASecond() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    RateLimiter bucket = new RateLimiter(20, 20, now::get);
    assertEquals(20, take(bucket, 1000));
    now.addAndGet(50_000_000L); // 50 ms: one token
    assertEquals(1, take(bucket, 1000));
    now.addAndGet(500_000_000L); // 500 ms: ten tokens
    assertEquals(10, take(bucket, 1000));
    now.addAndGet(60_000_000_000L); // a minute: still only the burst
    assertEquals(20, take(bucket, 1000));
  }

  @Test
  void aRateOfZeroTurnsTheLimitOff() {
    AtomicLong now = new AtomicLong();
    RateLimiter bucket = new RateLimiter(0, 0, now::get);
    assertEquals(1000, take(bucket, 1000));
  }

  @Test
  void aBucketDoesNotRefillWhileTimeStandsStill() {
    AtomicLong now = new AtomicLong();
    RateLimiter bucket = new RateLimiter(20, 20, now::get);
    take(bucket, 20);
    assertFalse(bucket.tryAcquire());
  }

  private static int take(RateLimiter bucket, int attempts) {
    int taken = 0;
    for (int i = 0; i < attempts; i++) {
      if (bucket.tryAcquire()) {
        taken++;
      }
    }
    return taken;
  }
}
