package dev.lanchat.bench;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.server.ChatServer;
import dev.lanchat.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The join storm and idle scenarios of issue 12: many clients join one room, every roster is
 * checked, and, against a server in its own process ({@code --port} and {@code --server-pid}),
 * the server's heap after a full GC and its resident set are measured before the storm and
 * while every client sits idle after it, per connection.
 *
 * <p>Exit code 0 when every client joined and had the whole roster, 1 otherwise, 2 for a bad
 * option. Bounded by {@code --deadline}.
 */
@Command(name = "storm-scenario", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Join storm and idle memory per connection against a LanChat server.")
public final class StormScenario implements Callable<Integer> {
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

  @Spec
  CommandSpec spec;

  @Option(names = "--clients", description = "Clients that join (default: ${DEFAULT-VALUE}).")
  int clients = 200;

  @Option(names = "--connect-parallelism", description = "Clients connecting at once (default: ${DEFAULT-VALUE}).")
  int parallelism = 16;

  @Option(names = "--port", description = "Port of a server on 127.0.0.1 with rate limits off; without it one starts in this JVM.")
  Integer port;

  @Option(names = "--server-pid", description = "Process id of that server, for heap (jcmd) and RSS (/proc) per connection.")
  Long serverPid;

  @Option(names = "--deadline", description = "Seconds after which it fails (default: ${DEFAULT-VALUE}).")
  int deadlineSeconds = 120;

  @Option(names = "--warmup-clients", description = "Before the measured storm, a storm of this many clients against a throwaway server in this JVM, so that the load side's own JIT is done before it shares the cores with the measured server, which stays fresh (default: ${DEFAULT-VALUE}: none).")
  int warmupClients;

  @Option(names = "--histogram", description = "With --server-pid: write the server's class histogram (jcmd GC.class_histogram) while every client sits idle to this file, and its threads (Thread.dump_to_file) next to it.")
  Path histogram;

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LoadScenario.LOGBACK_RESOURCE);
    }
    System.exit(new CommandLine(new StormScenario()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (clients < 2 || clients > 60_000 || parallelism < 1 || deadlineSeconds < 1
        || warmupClients < 0 || warmupClients > 60_000 || warmupClients == 1
        || serverPid != null && port == null) {
      spec.commandLine().getErr().println("storm-scenario: clients 2 to 60000, warm-up clients 0"
          + " or 2 to 60000, parallelism and deadline at least 1, --server-pid only with --port");
      return 2;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    if (warmupClients > 0 && !warmUp(out, loopback, deadline)) {
      return 1;
    }
    if (port != null) {
      return storm(out, new InetSocketAddress(loopback, port), deadline) ? 0 : 1;
    }
    try (ChatServer server = inProcessServer(loopback, clients)) {
      return storm(out, server.localAddress(), deadline) ? 0 : 1;
    }
  }

  /**
   * A storm of {@link #warmupClients} against a throwaway server in this JVM, closed before the
   * measured one: the load side's JIT compiles its half of the storm (the client handshake,
   * decoding ROSTER and MEMBERS_CHANGED) here, not while it shares the cores with the measured
   * server. In a real storm every client is a process of its own on another machine.
   */
  private boolean warmUp(PrintWriter out, InetAddress loopback, long deadline)
      throws IOException {
    long start = System.nanoTime();
    JoinStorm.Result r;
    try (ChatServer server = inProcessServer(loopback, warmupClients)) {
      r = JoinStorm.run(server.localAddress(), "warmup-", warmupClients, parallelism, deadline);
      for (LoadClient c : r.held()) {
        c.abort();
      }
    }
    out.printf(Locale.ROOT, "warm-up: %,d clients against a throwaway server in this JVM, %.2f s:"
        + " %s%n", warmupClients, (System.nanoTime() - start) / 1e9,
        r.ok() ? "OK" : "FAILED: " + r.problem());
    out.flush();
    return r.ok();
  }

  private ChatServer inProcessServer(InetAddress loopback, int maxClients) throws IOException {
    ServerConfig config = ServerConfig.builder().dataFile(ScratchStore.fresh()).bind(loopback)
        .port(0).discovery(false).messageRate(0, 1).connectRate(0, 1)
        .idleTimeout(Duration.ZERO).handshakeTimeout(Duration.ofSeconds(deadlineSeconds))
        .maxClients(maxClients).maxHandshakes(Math.max(256, parallelism * 2))
        .roomBudget(ServerConfig.RoomBudget.UNLIMITED).maxPerAddress(100_000).build();
    return ChatServer.start(config, Identity.generate(new SecureRandom()));
  }

  private boolean storm(PrintWriter out, InetSocketAddress server, long deadline) {
    OptionalLong heapBefore = heapAfterGc();
    OptionalLong rssBefore = settledRss();
    out.printf(Locale.ROOT, "join storm: %,d clients, %d connecting at once; load average %s%n",
        clients, parallelism, LoadScenario.loadAverage());
    long loadCpu = NativeThreadCpu.processNanos();
    long loadJit = NativeThreadCpu.jitMillis();
    long serverCpu = serverPid == null ? 0 : NativeThreadCpu.processMillis(serverPid);
    JoinStorm.Result r = JoinStorm.run(server, "storm-", clients, parallelism, deadline);
    try {
      out.printf(Locale.ROOT, "storm: all joined in %.2f s, every roster whole after %.2f s: %s%n",
          r.joinedNanos() / 1e9, r.settledNanos() / 1e9, r.ok() ? "OK" : "FAILED: " + r.problem());
      // CPU to the settled moment (the clients are still held, idle): what the storm cost each
      // side, a figure that moves less than the wall time when the machine is shared
      out.printf(Locale.ROOT, "storm: CPU of this load JVM %.2f s (of it JIT compiler %.2f s)",
          (NativeThreadCpu.processNanos() - loadCpu) / 1e9,
          (NativeThreadCpu.jitMillis() - loadJit) / 1e3);
      if (serverPid != null) {
        out.printf(Locale.ROOT, ", of the server %.2f s",
            (NativeThreadCpu.processMillis(serverPid) - serverCpu) / 1e3);
      }
      out.println();
      OptionalLong heapAfter = heapAfterGc();
      OptionalLong rssAfter = settledRss();
      writeHistogram(out);
      if (heapBefore.isPresent() && heapAfter.isPresent()) {
        out.printf(Locale.ROOT, "idle: %,d connections held%n", r.held().size());
        out.printf(Locale.ROOT, "idle: server heap after full GC %,d KiB -> %,d KiB: %.1f KiB per"
            + " connection%n", heapBefore.getAsLong(), heapAfter.getAsLong(),
            (heapAfter.getAsLong() - heapBefore.getAsLong()) / (double) r.held().size());
      }
      if (rssBefore.isPresent() && rssAfter.isPresent()) {
        out.printf(Locale.ROOT, "idle: server RSS %,d KiB -> %,d KiB: %.1f KiB per connection%n",
            rssBefore.getAsLong(), rssAfter.getAsLong(),
            (rssAfter.getAsLong() - rssBefore.getAsLong()) / (double) r.held().size());
      }
    } finally {
      for (LoadClient c : r.held()) {
        c.abort();
      }
    }
    out.flush();
    return r.ok();
  }

  /** With {@code --histogram}: what fills the server's heap while the clients sit idle. */
  private void writeHistogram(PrintWriter out) {
    if (histogram == null || serverPid == null) {
      return;
    }
    try {
      // the heap's committed size and, if the server runs with -XX:NativeMemoryTracking, where
      // the rest of its resident memory is: RSS is more than the heap
      Files.writeString(histogram, jcmd("GC.heap_info") + jcmd("VM.native_memory", "summary")
          + jcmd("GC.class_histogram"));
      Path threads = histogram.resolveSibling(histogram.getFileName() + ".threads");
      jcmd("Thread.dump_to_file", "-overwrite", threads.toAbsolutePath().toString());
      out.println("idle: class histogram of the server in " + histogram + ", threads in "
          + threads);
    } catch (IOException e) {
      out.println("idle: could not write the class histogram: " + e.getMessage());
    }
  }

  /** The server's used heap after a full GC, via jcmd; empty for an in-process server. */
  private OptionalLong heapAfterGc() {
    if (serverPid == null) {
      return OptionalLong.empty();
    }
    jcmd("GC.run");
    Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
    return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  /**
   * The server's RSS once it stops falling after the full GC: G1 gives the heap regions it no
   * longer needs back to the system on a background thread, seconds after the GC itself.
   * Polled every half second, at most 30 s.
   */
  private OptionalLong settledRss() {
    OptionalLong last = rss();
    for (int i = 0; i < 60 && last.isPresent(); i++) {
      sleepMillis(500);
      OptionalLong now = rss();
      if (now.isEmpty() || now.getAsLong() >= last.getAsLong() - last.getAsLong() / 200) {
        return now.isPresent() ? now : last;
      }
      last = now;
    }
    return last;
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private OptionalLong rss() {
    if (serverPid == null) {
      return OptionalLong.empty();
    }
    try {
      Matcher m = RSS.matcher(Files.readString(Path.of("/proc", serverPid.toString(), "status")));
      return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  private String jcmd(String... command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> line = new ArrayList<>(List.of(jcmd.toString(), serverPid.toString()));
    line.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(line)
          .redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(60, TimeUnit.SECONDS);
      return text;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
