package dev.lanchat.bench;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.ServerKeyVerifier;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.server.ChatServer;
import dev.lanchat.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Issue 13's WHO flood against a server with its default limits: clients that never read ask WHO
 * at their full rate (10 a second) while ordinary members chat. It measures the members'
 * end-to-end p99 without and then with the flood, and the heap used after GC while the flood
 * runs, and fails (exit code 1) unless the p99 stays within {@code --max-ratio} of the baseline
 * and the heap stays under the server's outbound budget bound.
 *
 * <p>Bounded: the hogs stop after {@code --flood-seconds} or when the server drops them, and a
 * global deadline ends the run. Exit code 2 means a bad option.
 */
@Command(name = "who-flood", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Members chat while clients that never read ask WHO at full rate.")
public final class WhoFloodScenario implements Callable<Integer> {
  /** What a queue may hold whatever the server-wide budget (the server's OutboundBudget). */
  private static final long RESERVE_PER_CLIENT = 32 << 10;

  @Spec
  CommandSpec spec;

  @Option(names = "--hogs", description = "Clients that never read and ask WHO (default: ${DEFAULT-VALUE}).")
  int hogs = 1000;

  @Option(names = "--members", description = "Members that read everything (default: ${DEFAULT-VALUE}).")
  int members = 20;

  @Option(names = "--senders", description = "How many members send (default: ${DEFAULT-VALUE}).")
  int senders = 5;

  @Option(names = "--messages", description = "SAYs per sender per measured run (default: ${DEFAULT-VALUE}).")
  int messages = 100;

  @Option(names = "--rate", description = "SAYs per second per sender (default: ${DEFAULT-VALUE}).")
  double rate = 5;

  @Option(names = "--who-rate", description = "WHOs per second per hog (default: ${DEFAULT-VALUE}, the server's default per-client rate).")
  double whoRate = 10;

  @Option(names = "--max-ratio", description = "Largest allowed p99 under the flood over the baseline p99 (default: ${DEFAULT-VALUE}).")
  double maxRatio = 1.5;

  @Option(names = "--deadline", description = "Seconds after which it fails (default: ${DEFAULT-VALUE}).")
  int deadlineSeconds = 300;

  private final SecureRandom random = new SecureRandom();
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LoadScenario.LOGBACK_RESOURCE);
    }
    System.exit(new CommandLine(new WhoFloodScenario()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (hogs < 1 || hogs > 5000 || members < 2 || senders < 1 || senders > members) {
      spec.commandLine().getErr().println("who-flood: need 1 to 5000 hogs and 1 to members"
          + " senders among at least 2 members");
      return 2;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds);
    ServerConfig config = ServerConfig.builder().dataFile(ScratchStore.fresh()).bind(InetAddress.getLoopbackAddress()).port(0)
        .discovery(false).connectRate(0, 1).maxClients(hogs + members + 10)
        .maxPerAddress(hogs + members + 10).build();
    LoadRun.Settings settings =
        new LoadRun.Settings(members, senders, messages, 96, rate, 4);
    try (ChatServer server = ChatServer.start(config, Identity.generate(random))) {
      out.printf(Locale.ROOT, "server defaults: outbound budget %,d bytes, backlog %,d bytes"
          + " per client, room %s%n", config.maxOutboundBytes(), config.maxBacklogBytes(),
          config.roomBudget());
      LoadRun.Result warm = LoadRun.run(settings, server.localAddress(), "warm-", deadline);
      LoadRun.Result base = LoadRun.run(settings, server.localAddress(), "base-", deadline);
      if (!warm.ok() || !base.ok()) {
        out.println("FAILED before the flood: " + (warm.ok() ? base.problem() : warm.problem()));
        return 1;
      }
      long heapBefore = heapAfterGc();
      Flood flood = new Flood(server.localAddress());
      flood.start();
      LoadRun.Result attacked = LoadRun.run(settings, server.localAddress(), "under-", deadline);
      long heapDuring = Math.max(flood.maxHeapAfterGc, heapAfterGc());
      flood.stop();
      double p99Base = base.latencyNanos().getValueAtPercentile(99) / 1e6;
      double p99Flood = attacked.latencyNanos().getValueAtPercentile(99) / 1e6;
      long heapBound = config.maxOutboundBytes() + (hogs + members) * RESERVE_PER_CLIENT;
      out.printf(Locale.ROOT, "hogs: %d joined, %d WHOs sent, %d dropped by the server%n",
          flood.joined.get(), flood.whos.get(), flood.dropped.get());
      out.printf(Locale.ROOT, "members' p99: %.1f ms baseline, %.1f ms under the flood"
          + " (ratio %.2f, at most %.2f)%n", p99Base, p99Flood, p99Flood / p99Base, maxRatio);
      out.printf(Locale.ROOT, "heap after GC: %,d bytes before, at most %,d during (grew %,d;"
          + " bound %,d = budget + %d clients x 32 KiB)%n", heapBefore, heapDuring,
          heapDuring - heapBefore, heapBound, hogs + members);
      boolean ok = attacked.ok() && p99Flood <= maxRatio * p99Base
          && heapDuring - heapBefore <= heapBound;
      out.println(ok ? "PASS" : "FAILED" + (attacked.ok() ? "" : ": " + attacked.problem()));
      out.flush();
      return ok ? 0 : 1;
    }
  }

  private long heapAfterGc() {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** The hogs: each joins from its own loopback address and then only sends WHO. */
  private final class Flood {
    private final InetSocketAddress server;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger joined = new AtomicInteger();
    private final AtomicInteger whos = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile long maxHeapAfterGc;
    private Thread sampler;

    Flood(InetSocketAddress server) {
      this.server = server;
    }

    void start() throws IOException {
      for (int i = 0; i < hogs; i++) {
        InetAddress from = InetAddress.getByAddress(
            new byte[] {127, 0, (byte) (10 + i / 250), (byte) (1 + i % 250)});
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(server, 10_000);
        socket.setSoTimeout(10_000);
        FrameReader reader = new FrameReader(socket.getInputStream());
        FrameWriter writer = new FrameWriter(socket.getOutputStream());
        MessageChannel channel = new MessageChannel(ClientHandshake.run(reader, writer,
            Identity.generate(random), random, ServerKeyVerifier.TRUST_ANY).channel(reader, writer));
        channel.send(new ClientMessage.Join("hog" + i));
        channel.send(new ClientMessage.Enter(PlainWire.ROOM, 0));
        sockets.add(socket);
        joined.incrementAndGet();
        threads.add(Thread.ofVirtual().start(() -> askWho(channel)));
      }
      sampler = Thread.ofPlatform().daemon().start(this::sample);
    }

    private void askWho(MessageChannel channel) {
      long pause = (long) (1000 / whoRate);
      try {
        while (!stopping.get()) {
          channel.send(new ClientMessage.Who(PlainWire.ROOM));
          whos.incrementAndGet();
          Thread.sleep(pause);
        }
      } catch (IOException e) {
        dropped.incrementAndGet(); // the server removed it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void sample() {
      while (!stopping.get()) {
        maxHeapAfterGc = Math.max(maxHeapAfterGc, heapAfterGc());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void stop() throws InterruptedException {
      stopping.set(true);
      sampler.interrupt();
      for (Socket s : sockets) {
        try {
          s.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
      for (Thread t : threads) {
        t.join(2000);
      }
    }
  }
}
