package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.ServerKeyVerifier;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.ServerMessage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server jar under floods, confined as a small machine would confine it: a full
 * descriptor table, and thousands of stalled handshakes against a 64 MiB heap (issue 13, "must
 * show"). A genuine client must join within 2 s each time, and the server must never run out of
 * memory.
 */
@Timeout(180)
class FloodIT {
  /** How long a genuine client may take to join, from connect to WELCOME. */
  private static final Duration JOIN_WITHIN = Duration.ofSeconds(2);
  /** A frame header claiming a 100-byte ClientHello that never comes. */
  private static final byte[] STALLED_HELLO = {0, 0, 0, 100};
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  Path home;

  private final List<Socket> attack = new ArrayList<>();

  @AfterEach
  void closeAttack() {
    closeAll(attack);
  }

  private static void closeAll(List<Socket> sockets) {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    sockets.clear();
  }

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  /** Starts the server jar on port 0, confined to {@code limits}. */
  private Launched server(Launched.Limits limits, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1", "--port", "0",
        "--identity", home.resolve("server.pem").toString(), "--no-discovery"));
    args.addAll(List.of(extra));
    return Launched.start("chat-server", home, limits, args.toArray(String[]::new));
  }

  /** The port the server took, as its banner says. */
  private static int portOf(Launched server) throws InterruptedException {
    Matcher m = LISTENING.matcher(
        server.awaitOut(line -> LISTENING.matcher(line).find(), "the port it listens on"));
    assertTrue(m.find());
    return Integer.parseInt(m.group(1));
  }

  /** Opens a connection from {@code local} and sends the start of a hello, then nothing. */
  private static Socket stall(InetAddress local, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(local, 0));
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
    socket.getOutputStream().write(STALLED_HELLO);
    return socket;
  }

  /**
   * A genuine client (the client role of chat-common) connects, completes the handshake and
   * joins as {@code name}.
   *
   * @return how long that took, from the start of the connect to WELCOME
   */
  private static Duration timeToJoin(int port, String name) throws IOException {
    Identity identity = Identity.generate(RANDOM); // the client's own key work is not timed
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
      socket.setSoTimeout(10_000);
      FrameReader reader = new FrameReader(new BufferedInputStream(socket.getInputStream()));
      FrameWriter writer = new FrameWriter(socket.getOutputStream());
      MessageChannel channel = new MessageChannel(ClientHandshake.run(reader, writer,
          identity, RANDOM, ServerKeyVerifier.TRUST_ANY).channel(reader, writer));
      channel.send(new ClientMessage.Join(name));
      for (int i = 0; i < 100; i++) {
        if (channel.receiveFromServer() instanceof ServerMessage.Welcome) {
          return Duration.ofNanos(System.nanoTime() - start);
        }
      }
      throw new AssertionError("no WELCOME among the first 100 messages");
    }
  }

  private static void assertNoOutOfMemory(Launched server) throws InterruptedException {
    String transcript = server.transcript();
    assertTrue(!transcript.contains("OutOfMemoryError"), transcript);
  }

  @Test
  void aGenuineClientJoinsWithin2sOnceTheDescriptorTableWasFullAndThenFreed() throws Exception {
    try (Launched server = server(new Launched.Limits("-Xmx64m", 128), "--connect-rate", "0")) {
      int port = portOf(server);
      // 128 files for up to 1,000 clients and 256 handshakes: the server says so as it starts
      server.awaitErr("may open only 128 files");
      timeToJoin(port, "warmup"); // as below: the figure is the server's, not this JVM's start
      // 150 idle connections from 8 addresses: more than the 128 descriptors the server has
      for (int i = 0; i < 150; i++) {
        attack.add(stall(InetAddress.getByName("127.0.2." + (1 + i % 8)), port));
      }
      server.awaitErr("accepting connections failed"); // the descriptor table ran full
      closeAll(attack);
      Duration took = timeToJoin(port, "alice");
      System.out.printf("descriptors full, then freed: a genuine client joined in %d ms%n",
          took.toMillis());
      assertTrue(took.compareTo(JOIN_WITHIN) <= 0, "joined after " + took.toMillis() + " ms");
      assertNoOutOfMemory(server);
    }
  }

  @Test
  void twoThousandStalledHandshakesFromFiftyAddressesLeaveA64MiBServerUpAndOpen()
      throws Exception {
    // the defaults: 20 new connections/s per address in bursts of 40, so 50 × 40 = 2,000 at once
    try (Launched server = server(new Launched.Limits("-Xmx64m", 0))) {
      int port = portOf(server);
      // one join before the attack, so the figure measures the server under attack, not this
      // JVM loading and compiling its crypto for the first time
      timeToJoin(port, "warmup");
      for (int a = 1; a <= 50; a++) {
        InetAddress from = InetAddress.getByName("127.0.3." + a);
        for (int i = 0; i < 40; i++) {
          attack.add(stall(from, port));
        }
      }
      assertEquals(2000, attack.size());
      Duration took = timeToJoin(port, "alice");
      assertTrue(took.compareTo(JOIN_WITHIN) <= 0, "joined after " + took.toMillis()
          + " ms during the attack");
      Duration again = timeToJoin(port, "bob");
      System.out.printf("2,000 stalled handshakes, -Xmx64m: genuine clients joined in %d ms and"
          + " %d ms%n", took.toMillis(), again.toMillis());
      assertTrue(again.compareTo(JOIN_WITHIN) <= 0, "joined after " + again.toMillis() + " ms");
      assertNoOutOfMemory(server);
    }
  }
}
