package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.lanchat.common.crypto.X25519;
import dev.lanchat.common.handshake.ClientHello;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 10,000 mutated first frames and 1,000 garbage connections against a real server: no exception
 * escapes (none reaches an uncaught-exception handler, and nothing but protocol errors is logged
 * at WARN or above), and the server's threads and file descriptors are back to their baseline
 * within 2 s of the last connection ending.
 */
@Timeout(300)
class HostileInputTest {
  private static final int MUTATED_FIRST_FRAMES = 10_000;
  private static final int GARBAGE_CONNECTIONS = 1_000;
  private static final int POOL = 16;
  private static final Duration BACK_TO_BASELINE = Duration.ofSeconds(2);

  // 11,000 connect lines at INFO would drown the report
  @RegisterExtension
  final ServerLogWatch log = new ServerLogWatch(Level.WARN);

  @Test
  void mutatedFirstFramesAndGarbageConnectionsLeaveNoExceptionAndNoLeak() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counts descriptors in /proc/self/fd");
    long seed = new SecureRandom().nextLong();
    System.out.println("HostileInputTest seed " + seed);
    try (ChatServer server = TestServers.start()) {
      int port = server.port();
      // warm-up with the same concurrency: the JDK starts its virtual-thread pollers and
      // schedulers lazily, and those are not the server's
      attack(port, seed - 1, POOL * 4, POOL);
      ServerLogWatch.awaitAtMost(server::clientCount, 0, BACK_TO_BASELINE,
          "clients after the warm-up");
      int threadsBefore = threads();
      long fdsBefore = descriptors();
      log.events().clear();

      attack(port, seed, MUTATED_FIRST_FRAMES, GARBAGE_CONNECTIONS);

      ServerLogWatch.awaitAtMost(server::clientCount, 0, BACK_TO_BASELINE,
          "clients past the handshake");
      ServerLogWatch.awaitAtMost(HostileInputTest::threads, threadsBefore, BACK_TO_BASELINE,
          "platform threads " + threadNames());
      ServerLogWatch.awaitAtMost(() -> (int) descriptors(), (int) fdsBefore, BACK_TO_BASELINE,
          "open file descriptors");
      assertTrue(log.uncaught().isEmpty(), "uncaught exceptions: " + log.uncaught());
      List<String> unexpected = log.events().stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .map(ILoggingEvent::getFormattedMessage)
          .filter(m -> !m.startsWith("protocol error"))
          .toList();
      assertEquals(List.of(), unexpected.stream().limit(20).toList(),
          unexpected.size() + " log lines other than protocol errors (seed " + seed + ")");
      log.assertNoStackTrace("seed " + seed);
      // the attack reached the parser (reset connections mostly end before it reads anything)
      assertTrue(log.events().size() > MUTATED_FIRST_FRAMES / 10,
          "mutated frames refused as protocol errors: " + log.events().size());
    }
  }

  /** Sends {@code mutated} mutated first frames, then {@code garbage} garbage connections. */
  private static void attack(int port, long seed, int mutated, int garbage) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(POOL, Thread.ofVirtual().factory());
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int task = 0; task < POOL; task++) {
        Random random = new Random(seed + task);
        int share = task;
        work.add(pool.submit(() -> {
          byte[] valid = validFirstFrame();
          for (int i = share; i < mutated; i += POOL) {
            send(port, mutate(valid, random), random.nextBoolean());
          }
          for (int i = share; i < garbage; i += POOL) {
            hostile(port, valid, random);
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get(240, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Live platform threads, without the JDK's virtual-thread carriers ({@code ForkJoinPool-N-
   * worker-M}): that pool grows and shrinks on its own schedule (30 s keep-alive) and holds
   * nothing of the server's.
   */
  private static int threads() {
    return (int) Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !(t.getName().startsWith("ForkJoinPool-") && t.getName().contains("-worker-")))
        .count();
  }

  private static String threadNames() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList().toString();
  }

  private static long descriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc/self/fd", e);
    }
  }

  private static byte[] validFirstFrame() {
    byte[] hello = new ClientHello(X25519.generate(new SecureRandom()).publicKey()).encode();
    return ByteBuffer.allocate(4 + hello.length).putInt(hello.length).put(hello).array();
  }

  /** One mutation of a valid first frame: bit flips, a length at an edge, a cut, or more bytes. */
  private static byte[] mutate(byte[] valid, Random random) {
    byte[] out = valid.clone();
    switch (random.nextInt(6)) {
      case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
      case 1 -> {
        int[] lengths = {0, 1, valid.length - 5, valid.length - 3, 65_536, 65_537, -1, Integer.MAX_VALUE};
        ByteBuffer.wrap(out).putInt(lengths[random.nextInt(lengths.length)]);
      }
      case 2 -> out = Arrays.copyOf(out, random.nextInt(out.length));
      case 3 -> {
        out = Arrays.copyOf(out, out.length + 1 + random.nextInt(64));
        for (int i = valid.length; i < out.length; i++) {
          out[i] = (byte) random.nextInt();
        }
      }
      case 4 -> out[4 + random.nextInt(out.length - 4)] = (byte) random.nextInt();
      default -> {
        for (int i = 0; i < 1 + random.nextInt(8); i++) {
          out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
    }
    return out;
  }

  /** A garbage connection: nothing, random bytes, or a huge claimed length; closed or reset. */
  private static void hostile(int port, byte[] valid, Random random) throws IOException {
    byte[] bytes = switch (random.nextInt(4)) {
      case 0 -> new byte[0];
      case 1 -> {
        byte[] b = new byte[1 + random.nextInt(2048)];
        random.nextBytes(b);
        yield b;
      }
      case 2 -> new byte[] {0, 1, 0, 0, 1, 2, 3}; // claims 65,536 bytes, sends 3
      default -> Arrays.copyOf(valid, valid.length + 4 + random.nextInt(100)); // hello + junk
    };
    send(port, bytes, random.nextBoolean());
  }

  /**
   * Connects, writes {@code bytes} and then either ends its output and reads until the server
   * hangs up, or resets the connection at once.
   */
  private static void send(int port, byte[] bytes, boolean reset) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
      socket.setSoTimeout(30_000);
      try {
        socket.getOutputStream().write(bytes);
        if (reset) {
          socket.setSoLinger(true, 0);
          return;
        }
        socket.shutdownOutput();
        InputStream in = socket.getInputStream();
        byte[] sink = new byte[4096];
        while (in.read(sink) >= 0) {
          // the server's hello and whatever follows, until it hangs up
        }
      } catch (IOException e) {
        // the server reset first: also fine
      }
    }
  }
}
