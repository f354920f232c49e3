package dev.lanchat.bench;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.server.ChatServer;
import dev.lanchat.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A load generator for a real chat server: many clients connect, join and read everything while
 * some of them send, and it reports join latency, throughput, end-to-end latency percentiles and
 * whether every client got every message in the same order. By default it starts a
 * {@link ChatServer} in this JVM on 127.0.0.1 (rate limits off, a large backlog); with
 * {@code --port} it loads a server already running on a loopback address instead.
 *
 * <p>{@code --compare-batching} runs four configurations in one launch (fan-out 50 and 2, one
 * sender and several), interleaved over rounds, so their ratios compare like with like.
 *
 * <p>Bounded: it stops by itself, and a global deadline ends it with what it has and exit code
 * 1. Exit code 1 also means a lost, duplicated or reordered message; 2 a bad option.
 */
@Command(name = "load-scenario", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Loads a LanChat server over loopback and reports throughput and latency.")
public final class LoadScenario implements Callable<Integer> {
  static final String LOGBACK_RESOURCE = "lanchat-load-logback.xml";

  /** The configurations of {@code --compare-batching}: fan-out (clients) and senders. */
  static final int[][] COMPARED = {{50, 1}, {50, 10}, {2, 1}, {2, 2}};

  @Spec
  CommandSpec spec;

  @Option(names = "--clients", description = "Clients that join and read everything (default: ${DEFAULT-VALUE}).")
  int clients = 50;

  @Option(names = "--senders", description = "How many of them send (default: ${DEFAULT-VALUE}).")
  int senders = 5;

  @Option(names = "--messages", description = "SAYs per sender (default: ${DEFAULT-VALUE}).")
  int messages = 1000;

  @Option(names = "--size", description = "Bytes of each SAY text, at least 48 (default: ${DEFAULT-VALUE}).")
  int size = 96;

  @Option(names = "--rate", description = "SAYs per second per sender, the senders taking turns evenly through each interval; 0 sends as fast as possible (default: ${DEFAULT-VALUE}).")
  double rate = 0;

  @Option(names = "--connect-parallelism", description = "Clients connecting at once (default: ${DEFAULT-VALUE}).")
  int connectParallelism = 4;

  @Option(names = "--host", description = "Loopback address of an external server (default: ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(names = "--port", description = "Port of an external server, which must have its rate limits off; without it a server starts in this JVM.")
  Integer port;

  @Option(names = "--server-backlog", description = "Outbound backlog per client of the in-process server, in messages (default: ${DEFAULT-VALUE}; the server's own default is 4096).")
  int serverBacklog = 1_000_000;

  @Option(names = "--deadline", description = "Seconds after which it reports what it has and fails (default: ${DEFAULT-VALUE}).")
  int deadlineSeconds = 120;

  @Option(names = "--warmup", description = "Warm-up runs before the measured one: the same clients and SAYs, sent as fast as possible (default: ${DEFAULT-VALUE}).")
  int warmups = 1;

  @Option(names = "--max-paced-warmups", description = "After those, for a paced run: at most this many warm-up runs of " + PACED_WARMUP_SECONDS + " s at the measured pace, until the JIT took at most " + NativeThreadCpu.SETTLED_JIT_PERCENT + " %% of one's CPU (default: ${DEFAULT-VALUE}; 0 for none).")
  int maxPacedWarmups = 4;

  @Option(names = "--yardstick", description = "After the run against LanChat, the same run against the no-crypto yardstick server (same threads and framing, plaintext records), and the ratios of the two.")
  boolean yardstick;

  @Option(names = "--compare-batching", description = "Run fan-out 50 vs 2 and 1 sender vs many in one launch.")
  boolean compareBatching;

  @Option(names = "--compare-deliveries", description = "MESSAGE deliveries per compared configuration (default: ${DEFAULT-VALUE}).")
  int compareDeliveries = 300_000;

  @Option(names = "--rounds", description = "Measured rounds of --compare-batching, after one unmeasured warm-up round of the same size (default: ${DEFAULT-VALUE}).")
  int rounds = 3;

  /** Length of one paced warm-up run, in seconds at the measured pace. */
  private static final int PACED_WARMUP_SECONDS = 3;

  private final SecureRandom random = new SecureRandom();
  private int runNumber;

  public static void main(String[] args) {
    // the in-process server logs every connect and join at INFO; a run needs only its warnings
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_RESOURCE);
    }
    System.exit(new CommandLine(new LoadScenario()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    InetAddress target;
    List<LoadRun.Settings> plan;
    try {
      require(deadlineSeconds >= 1 && deadlineSeconds <= 3600,
          "the deadline must be 1 to 3600 seconds, not " + deadlineSeconds);
      require(serverBacklog >= 1, "the server backlog must be at least 1, not " + serverBacklog);
      require(warmups >= 0 && warmups <= 5, "warm-up runs must be 0 to 5, not " + warmups);
      require(maxPacedWarmups >= 0 && maxPacedWarmups <= 10,
          "paced warm-up runs must be 0 to 10, not " + maxPacedWarmups);
      require(port == null || (port >= 1 && port <= 65_535),
          "the port must be 1 to 65535, not " + port);
      require(!yardstick || port == null && !compareBatching,
          "--yardstick starts its own servers: not with --port or --compare-batching");
      target = loopback(host);
      plan = compareBatching ? List.of() : List.of(new LoadRun.Settings(clients, senders,
          messages, size, rate, connectParallelism));
      if (compareBatching) {
        require(rounds >= 1 && rounds <= 10, "rounds must be 1 to 10, not " + rounds);
        require(compareDeliveries >= 1000 && compareDeliveries <= 10_000_000,
            "deliveries per compared configuration must be 1000 to 10000000, not "
                + compareDeliveries);
        for (int[] c : COMPARED) {
          compared(c, compareDeliveries);
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("load-scenario: " + e.getMessage());
      return 2;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds);
    header(out, target);
    boolean ok = compareBatching ? compare(out, err, target, deadline)
        : single(out, err, target, plan.get(0), deadline);
    out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
    out.flush();
    return ok ? 0 : 1;
  }

  private boolean single(PrintWriter out, PrintWriter err, InetAddress target,
      LoadRun.Settings settings, long deadline) {
    out.println("run: " + settings.describe());
    LoadRun.Result r = warmedRun(out, err, target, settings, deadline, false);
    if (r == null) {
      return false;
    }
    report(out, r);
    if (!r.ok()) {
      err.println("load-scenario: FAILED: " + r.problem());
      return false;
    }
    if (!yardstick) {
      return true;
    }
    out.println();
    out.println("the same run against the no-crypto yardstick (same threads and framing,"
        + " plaintext records, no handshake, no store):");
    LoadRun.Result y = warmedRun(out, err, target, settings, deadline, true);
    if (y == null) {
      return false;
    }
    report(out, y);
    if (!y.ok()) {
      err.println("load-scenario: FAILED against the yardstick: " + y.problem());
      return false;
    }
    Histogram l = r.latencyNanos();
    Histogram p = y.latencyNanos();
    out.printf(Locale.ROOT, "yardstick ratio, LanChat / no-crypto: deliveries/s %.2f"
        + " (%,.0f / %,.0f); p99 %.2f (%.2f / %.2f ms); p99.9 %.2f (%.2f / %.2f ms)%n",
        r.deliveredPerSecond() / y.deliveredPerSecond(), r.deliveredPerSecond(),
        y.deliveredPerSecond(), ratio(l, p, 99), l.getValueAtPercentile(99) / 1e6,
        p.getValueAtPercentile(99) / 1e6, ratio(l, p, 99.9), l.getValueAtPercentile(99.9) / 1e6,
        p.getValueAtPercentile(99.9) / 1e6);
    return true;
  }

  private static double ratio(Histogram a, Histogram b, double percentile) {
    return (double) a.getValueAtPercentile(percentile) / b.getValueAtPercentile(percentile);
  }

  /**
   * The warm-up runs, then the measured run; null when a warm-up failed. A flood first compiles
   * the busy paths; a paced run also takes paths a flood does not (one record per read and per
   * write, threads that park between SAYs), so a paced run then gets paced warm-ups until the
   * JIT has settled: in a 10 s run at 1,000 msg/s that followed one flood alone, the compiler
   * threads took about 30 % of the machine for the run's first 4 s.
   */
  private LoadRun.Result warmedRun(PrintWriter out, PrintWriter err, InetAddress target,
      LoadRun.Settings settings, long deadline, boolean plain) {
    // the same run unpaced: the JIT sees the same code paths without a paced run's wait
    LoadRun.Settings warm = new LoadRun.Settings(settings.clients(), settings.senders(),
        settings.messages(), settings.textBytes(), 0, settings.connectParallelism());
    for (int i = 0; i < warmups; i++) {
      LoadRun.Result w = warmUp(err, target, warm, deadline, plain);
      if (w == null) {
        return null;
      }
      out.printf(Locale.ROOT, "warm-up %d (the same SAYs as fast as possible): %,.0f deliveries/s,"
          + " OK%n", i + 1, w.deliveredPerSecond());
    }
    if (settings.ratePerSender() > 0) {
      int perSender = (int) Math.min(settings.messages(),
          Math.max(1, Math.round(settings.ratePerSender() * PACED_WARMUP_SECONDS)));
      LoadRun.Settings paced = new LoadRun.Settings(settings.clients(), settings.senders(),
          perSender, settings.textBytes(), settings.ratePerSender(),
          settings.connectParallelism());
      for (int i = 0; i < maxPacedWarmups; i++) {
        LoadRun.Result w = warmUp(err, target, paced, deadline, plain);
        if (w == null) {
          return null;
        }
        out.printf(Locale.ROOT, "paced warm-up %d (%d SAYs per sender at the measured pace): JIT"
            + " %.1f %% of its CPU, OK%n", i + 1, perSender, w.jitShare() * 100);
        if (NativeThreadCpu.settled(w.jitShare())) {
          break;
        }
      }
    }
    return runOnce(err, target, settings, deadline, plain);
  }

  /** One warm-up run; null, with the reason printed, when it failed. */
  private LoadRun.Result warmUp(PrintWriter err, InetAddress target, LoadRun.Settings settings,
      long deadline, boolean plain) {
    LoadRun.Result w = runOnce(err, target, settings, deadline, plain);
    if (w == null || !w.ok()) {
      err.println("load-scenario: FAILED in warm-up: " + (w == null ? "no server" : w.problem()));
      return null;
    }
    return w;
  }

  private boolean compare(PrintWriter out, PrintWriter err, InetAddress target, long deadline) {
    out.printf(Locale.ROOT, "compare batching: %,d MESSAGE deliveries per configuration, SAYs of"
        + " %d bytes as fast as possible; one warm-up round, then %d measured rounds,"
        + " configurations interleaved%n", compareDeliveries, size, rounds);
    List<List<LoadRun.Result>> byConfig = new ArrayList<>();
    for (int i = 0; i < COMPARED.length; i++) {
      byConfig.add(new ArrayList<>());
    }
    out.printf(Locale.ROOT, "%-5s %-26s %13s %10s %9s %9s %9s %10s %10s %10s%n", "round",
        "configuration", "deliveries/s", "SAYs/s", "p50 ms", "p99 ms", "max ms", "recs/read",
        "cpu us/del", "srv us/del");
    for (int round = 0; round <= rounds; round++) {
      for (int i = 0; i < COMPARED.length; i++) {
        LoadRun.Settings s = compared(COMPARED[i], compareDeliveries);
        LoadRun.Result r = runOnce(err, target, s, deadline, false);
        if (r == null) {
          return false;
        }
        if (!r.ok()) {
          err.println("load-scenario: FAILED (" + label(COMPARED[i]) + "): " + r.problem());
          return false;
        }
        Histogram h = r.latencyNanos();
        out.printf(Locale.ROOT,
            "%-5s %-26s %,13.0f %,10.0f %9.1f %9.1f %9.1f %10.2f %10.2f %10.2f%n",
            round == 0 ? "warm" : Integer.toString(round), label(COMPARED[i]),
            r.deliveredPerSecond(), r.acceptedPerSecond(), h.getValueAtPercentile(50) / 1e6,
            h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6, r.recordsPerRead(),
            r.cpuMicrosPerDelivery(), r.cpuMicrosPerDelivery() - r.clientCpuMicrosPerDelivery());
        if (round > 0) {
          byConfig.get(i).add(r);
        }
      }
    }
    printMedians(out, byConfig);
    return true;
  }

  /** The medians of each configuration over the measured rounds, and their ratios. */
  private static void printMedians(PrintWriter out, List<List<LoadRun.Result>> byConfig) {
    out.println();
    out.println("medians over the measured rounds:");
    double[] deliveries = new double[COMPARED.length];
    double[] perRead = new double[COMPARED.length];
    double[] cpu = new double[COMPARED.length];
    double[] server = new double[COMPARED.length];
    for (int i = 0; i < COMPARED.length; i++) {
      deliveries[i] = median(byConfig.get(i).stream().mapToDouble(LoadRun.Result::deliveredPerSecond).toArray());
      perRead[i] = median(byConfig.get(i).stream().mapToDouble(LoadRun.Result::recordsPerRead).toArray());
      cpu[i] = median(byConfig.get(i).stream().mapToDouble(LoadRun.Result::cpuMicrosPerDelivery).toArray());
      server[i] = median(byConfig.get(i).stream()
          .mapToDouble(r -> r.cpuMicrosPerDelivery() - r.clientCpuMicrosPerDelivery()).toArray());
      out.printf(Locale.ROOT, "  %-26s %,11.0f deliveries/s %7.2f records/read %6.2f us CPU per"
          + " delivery (%.2f outside the clients)%n",
          label(COMPARED[i]), deliveries[i], perRead[i], cpu[i], server[i]);
    }
    out.printf(Locale.ROOT, "ratios of deliveries/s (medians):%n");
    out.printf(Locale.ROOT, "  fan-out 50 / fan-out 2, 1 sender:          %.2f%n", deliveries[0] / deliveries[2]);
    out.printf(Locale.ROOT, "  fan-out 50 / fan-out 2, several senders:   %.2f%n", deliveries[1] / deliveries[3]);
    out.printf(Locale.ROOT, "  10 senders / 1 sender, fan-out 50:         %.2f%n", deliveries[1] / deliveries[0]);
    out.printf(Locale.ROOT, "  2 senders / 1 sender, fan-out 2:           %.2f%n", deliveries[3] / deliveries[2]);
  }

  private LoadRun.Settings compared(int[] config, int deliveries) {
    int fanOut = config[0];
    int senderCount = config[1];
    int perSender = Math.max(1, deliveries / fanOut / senderCount);
    return new LoadRun.Settings(fanOut, senderCount, perSender, size, 0, connectParallelism);
  }

  static String label(int[] config) {
    return "fan-out " + config[0] + ", " + config[1] + (config[1] == 1 ? " sender" : " senders");
  }

  /**
   * One run against the target: a fresh in-process server (LanChat's, or with {@code plain} the
   * no-crypto yardstick), or the external one.
   */
  private LoadRun.Result runOnce(PrintWriter err, InetAddress target, LoadRun.Settings settings,
      long deadline, boolean plain) {
    String prefix = "load" + (++runNumber) + "-";
    if (plain) {
      try (PlainServer server = PlainServer.start(target)) {
        return LoadRun.run(settings, server.localAddress(), prefix, deadline,
            LoadClient::connectPlain);
      } catch (IOException e) {
        err.println("load-scenario: could not start the yardstick: " + e.getMessage());
        return null;
      }
    }
    if (port != null) {
      return LoadRun.run(settings, new InetSocketAddress(target, port), prefix, deadline);
    }
    Path storeFolder;
    try {
      storeFolder = Files.createTempDirectory("lanchat-load");
    } catch (IOException e) {
      err.println("load-scenario: could not make a folder for the server's store: "
          + e.getMessage());
      return null;
    }
    ServerConfig config = ServerConfig.builder()
        .dataFile(storeFolder.resolve("server.db"))
        .bind(target)
        .port(0)
        .discovery(false)
        .messageRate(0, 1)
        .connectRate(0, 1)
        .idleTimeout(Duration.ZERO)
        .maxClients(Math.max(1000, settings.clients()))
        .backlog(serverBacklog, 1L << 30)
        .roomBudget(ServerConfig.RoomBudget.UNLIMITED).maxOutboundBytes(Long.MAX_VALUE / 2)
        .maxPerAddress(100_000).build();
    try (ChatServer server = ChatServer.start(config, Identity.generate(random))) {
      return LoadRun.run(settings, server.localAddress(), prefix, deadline);
    } catch (IOException e) {
      err.println("load-scenario: could not start the in-process server: " + e.getMessage());
      return null;
    } finally {
      removeStore(storeFolder);
    }
  }

  /** The run's throwaway store (the file, its journal files, the folder). */
  private static void removeStore(Path folder) {
    try (var files = Files.list(folder)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(folder);
    } catch (IOException e) {
      // a temporary folder left behind harms nobody
    }
  }

  private void header(PrintWriter out, InetAddress target) {
    out.printf(Locale.ROOT, "LanChat load scenario, %s%n",
        Instant.now().truncatedTo(ChronoUnit.SECONDS));
    out.printf(Locale.ROOT, "JDK %s (%s), %d CPUs, load average before: %s%n",
        System.getProperty("java.runtime.version"), System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(), loadAverage());
    if (port == null) {
      out.printf(Locale.ROOT, "server: in this JVM on %s, a fresh one per run; rate limits off,"
          + " backlog %,d messages / 1 GiB, idle timeout off%n", target.getHostAddress(),
          serverBacklog);
    } else {
      out.printf(Locale.ROOT, "server: external, %s port %d%n", target.getHostAddress(), port);
    }
  }

  private static void report(PrintWriter out, LoadRun.Result r) {
    LoadRun.Settings s = r.settings();
    out.printf(Locale.ROOT, "connect + handshake + JOIN per client (ms): %s%n",
        percentiles(r.connectNanos(), 1e6, false));
    out.printf(Locale.ROOT, "  of which connect + handshake (ms):        %s%n",
        percentiles(r.handshakeNanos(), 1e6, false));
    if (r.acceptNanos() > 0) {
      out.printf(Locale.ROOT, "SAYs accepted:   %,d in %.3f s = %,.0f /s (until every sender had"
          + " its last SAY back)%n", s.says(), r.acceptNanos() / 1e9, r.acceptedPerSecond());
    } else {
      out.println("SAYs accepted:   not measured: some sender never had its last SAY back");
    }
    if (r.sendNanos() > 0) {
      out.printf(Locale.ROOT, "SAYs written:    %,.0f /s (senders' own write rate)%n",
          s.says() * 1e9 / r.sendNanos());
    } else {
      out.println("SAYs written:    not measured: some sender did not finish");
    }
    out.printf(Locale.ROOT, "MESSAGE deliveries: %,d in %.3f s = %,.0f /s across all receivers"
        + " (fan-out %d)%n", r.delivered(), r.windowNanos() / 1e9, r.deliveredPerSecond(),
        s.clients());
    out.printf(Locale.ROOT, "end-to-end latency, send to decode, every delivery (us): %s%n",
        percentiles(r.latencyNanos(), 1e3, true));
    out.printf(Locale.ROOT, "records per client socket read: %.2f%n", r.recordsPerRead());
    out.printf(Locale.ROOT, "CPU per delivery: %.2f us for this JVM, of which %.2f us in the load"
        + " clients' threads (the rest: the in-process server if any, JIT, GC)%n", r.cpuMicrosPerDelivery(),
        r.clientCpuMicrosPerDelivery());
    out.printf(Locale.ROOT, "JIT compilers during the run: %.1f %% of this JVM's CPU%n",
        r.jitShare() * 100);
    if (r.ok()) {
      out.printf(Locale.ROOT, "check: all %d clients received all %,d MESSAGEs, each sender's in"
          + " send order, in one identical order: OK%n", s.clients(), s.says());
    } else {
      out.printf(Locale.ROOT, "check: FAILED: %s%n", r.problem());
    }
  }

  private static String percentiles(Histogram h, double unit, boolean withP999) {
    if (h.getTotalCount() == 0) {
      return "no samples";
    }
    return String.format(Locale.ROOT, "p50 %.2f  p90 %.2f  p99 %.2f%s  max %.2f  (n=%,d)",
        h.getValueAtPercentile(50) / unit, h.getValueAtPercentile(90) / unit,
        h.getValueAtPercentile(99) / unit,
        withP999 ? String.format(Locale.ROOT, "  p99.9 %.2f", h.getValueAtPercentile(99.9) / unit)
            : "",
        h.getMaxValue() / unit, h.getTotalCount());
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** The load averages of /proc/loadavg, or the JVM's one-minute figure elsewhere. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + ", " + f[1] + ", " + f[2] + " (1, 5, 15 min)";
    } catch (IOException | RuntimeException e) {
      double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return one < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f (1 min)", one);
    }
  }

  /**
   * Resolves {@code host} and refuses anything but a loopback address: a load generator must
   * never hit another machine.
   */
  static InetAddress loopback(String host) {
    InetAddress address;
    if (host.equalsIgnoreCase("localhost")) {
      address = InetAddress.getLoopbackAddress();
    } else if (host.matches("[0-9.]+|\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\\]?")) {
      try {
        // a literal: no name lookup happens
        address = InetAddress.getByName(host.replace("[", "").replace("]", ""));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(host + " is not an IP address");
      }
    } else {
      throw new IllegalArgumentException("give the server as an IP address or localhost, not "
          + host);
    }
    if (!address.isLoopbackAddress()) {
      throw new IllegalArgumentException(host + " is not a loopback address; this load generator"
          + " only targets 127.0.0.0/8 or ::1");
    }
    return address;
  }

  private static void require(boolean ok, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(problem);
    }
  }
}
