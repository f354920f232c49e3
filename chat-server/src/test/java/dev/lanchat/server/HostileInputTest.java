package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

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
  private static final long BACK_TO_BASELINE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.lanchat");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final ConcurrentLinkedQueue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
  private Level level;
  private Thread.UncaughtExceptionHandler previousHandler;

  @BeforeEach
  void watch() {
    level = logger.getLevel();
    logger.setLevel(Level.WARN); // 11,000 connect lines would drown the report
    logger.setAdditive(false);
    appender.start();
    logger.addAppender(appender);
    previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
  }

  @AfterEach
  void unwatch() {
    Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    logger.detachAppender(appender);
    logger.setAdditive(true);
    logger.setLevel(level);
  }

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
      awaitAtMost(() -> server.clientCount(), 0, "clients after the warm-up");
      int threadsBefore = threads();
      long fdsBefore = descriptors();
      appender.list.clear();

      attack(port, seed, MUTATED_FIRST_FRAMES, GARBAGE_CONNECTIONS);

      awaitAtMost(() -> server.clientCount(), 0, "clients past the handshake");
      awaitAtMost(HostileInputTest::threads, threadsBefore, "platform threads " + threadNames());
      awaitAtMost(() -> (int) descriptors(), (int) fdsBefore, "open file descriptors");
      assertTrue(uncaught.isEmpty(), "uncaught exceptions: " + uncaught);
      List<String> unexpected = appender.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .map(ILoggingEvent::getFormattedMessage)
          .filter(m -> !m.startsWith("protocol error"))
          .toList();
      assertEquals(List.of(), unexpected.stream().limit(20).toList(),
          unexpected.size() + " log lines other than protocol errors (seed " + seed + ")");
      assertTrue(appender.list.stream().noneMatch(e -> e.getThrowableProxy() != null),
          "no stack traces in the log");
      // the attack reached the parser (reset connections mostly end before it reads anything)
      assertTrue(appender.list.size() > MUTATED_FIRST_FRAMES / 10,
          "mutated frames refused as protocol errors: " + appender.list.size());
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

  /** Polls (bounded) until {@code count} is at most {@code baseline}; fails after 2 s. */
  private static void awaitAtMost(IntSupplier count, int baseline, String what) {
    long deadline = System.nanoTime() + BACK_TO_BASELINE_NANOS;
    int now = count.getAsInt();
    while (now > baseline && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      now = count.getAsInt();
    }
    assertTrue(now <= baseline, what + ": " + now + " > baseline " + baseline + " after 2 s");
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
