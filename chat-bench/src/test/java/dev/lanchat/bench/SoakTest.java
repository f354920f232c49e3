package dev.lanchat.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.server.ChatServer;
import dev.lanchat.server.ServerConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak of issue 13, outside the default build ({@code mvn -B verify -Psoak -pl chat-bench
 * -am}): 200 clients for 5 minutes (or {@code -Dlanchat.soak.seconds}) against a server with its
 * default limits, every message delivered to every client exactly once and in one order, and the
 * heap after GC not growing between the second minute and the last.
 */
@Tag("soak")
class SoakTest {
  private static final int CLIENTS = 200;
  private static final int SENDERS = 10;
  private static final double RATE = 2; // per sender: 20 SAYs/s, 4,000 deliveries/s
  /** Growth of the heap after GC, last samples over early ones, that still counts as flat. */
  private static final long GROWTH_ALLOWED = 16L << 20;

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

  @Test
  @Timeout(value = 40, unit = TimeUnit.MINUTES)
  void twoHundredClientsForFiveMinutesLoseNothingAndTheHeapDoesNotGrow() throws Exception {
    long seconds = Long.getLong("lanchat.soak.seconds", 300);
    int messages = (int) (seconds * RATE);
    ServerConfig config = ServerConfig.builder().dataFile(ScratchStore.fresh()).bind(InetAddress.getLoopbackAddress()).port(0)
        .discovery(false).connectRate(0, 1).maxPerAddress(CLIENTS + 10)
        .idleTimeout(Duration.ZERO).build(); // the members who only read never send
    LoadRun.Settings settings = new LoadRun.Settings(CLIENTS, SENDERS, messages, 96, RATE, 4);
    List<Long> samples = new CopyOnWriteArrayList<>();
    try (ChatServer server = ChatServer.start(config, Identity.generate(new SecureRandom()))) {
      Thread sampler = Thread.ofPlatform().daemon().start(() -> {
        try {
          while (true) {
            Thread.sleep(10_000);
            System.gc();
            samples.add(memory.getHeapMemoryUsage().getUsed());
          }
        } catch (InterruptedException e) {
          // the run is over
        }
      });
      LoadRun.Result r = LoadRun.run(settings, server.localAddress(), "soak-",
          System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds * 3 + 120));
      sampler.interrupt();
      System.out.printf("soak: %s; %,.0f deliveries/s; heap after GC every 10 s: %s%n",
          r.ok() ? "every message exactly once, one order" : r.problem(),
          r.deliveredPerSecond(), samples);
      assertTrue(r.ok(), r.problem());
      assertTrue(samples.size() >= 6, "too short to judge the heap: " + samples);
      int n = samples.size();
      long early = Math.min(samples.get(n / 4), samples.get(n / 4 + 1));
      long late = Math.min(samples.get(n - 1), samples.get(n - 2));
      assertTrue(late <= early + GROWTH_ALLOWED,
          "the heap after GC grew from " + early + " to " + late + " bytes: " + samples);
    }
  }
}
