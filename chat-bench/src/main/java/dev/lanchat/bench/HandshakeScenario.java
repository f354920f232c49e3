package dev.lanchat.bench;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.server.ChatServer;
import dev.lanchat.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Completed sessions a second: each is a TCP connect, the handshake with BouncyCastle-based
 * chat-common on both sides, client authentication, JOIN, WELCOME, BYE and close (issue 12's
 * session: no room is entered), from {@code --threads} load threads at once against a server in
 * this JVM (or {@code --port}). Each load thread is one returning client: one key of its own and
 * one name for all its sessions, and it waits for the server to close each session after its
 * BYE, so the name is free again for the next; the ephemeral X25519 key is new for every
 * session. Every session must end in WELCOME; one that does not fails the run.
 *
 * <p>Like the JMH floor it is compared with, it measures a warmed JVM: warm-up passes of
 * {@code --sessions} each run until the JIT compiler threads took at most 5 % of a pass's CPU
 * (at most {@code --max-warmups} passes; one is what earlier runs did), then {@code
 * --measured-passes} measured passes, of which the one with the median rate is reported (the
 * floor's JMH takes the median of its iterations too). The JIT's share of it is reported all the
 * same.
 *
 * <p>Compare with the floor of the two handshake roles' crypto on the same cores:
 * {@code HandshakeBenchmark} in the same script run. On a shared machine the wall-clock rate
 * also counts waiting for a core, so the CPU time of this whole JVM per session (load and
 * server together, as the benchmark's two roles are) is reported too. Exit code 0 when every
 * session completed.
 */
@Command(name = "handshake-scenario", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Complete LanChat sessions a second (connect, handshake, auth, JOIN, BYE).")
public final class HandshakeScenario implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--sessions", description = "Sessions in each pass, warm-up and measured alike (default: ${DEFAULT-VALUE}).")
  int sessions = 2000;

  @Option(names = "--threads", description = "Sessions in flight at once, one load thread each; enough that the load side never waits on itself (default: ${DEFAULT-VALUE}).")
  int threads = 32;

  @Option(names = "--max-warmups", description = "Most warm-up passes before the measured ones; they stop once the JIT took at most " + NativeThreadCpu.SETTLED_JIT_PERCENT + " %% of a pass's CPU (default: ${DEFAULT-VALUE}).")
  int maxWarmups = 8;

  @Option(names = "--measured-passes", description = "Measured passes after the warm-up; the one with the median rate is reported (default: ${DEFAULT-VALUE}).")
  int measuredPasses = 3;

  @Option(names = "--port", description = "Port of a server on 127.0.0.1 with rate limits off; without it one starts in this JVM.")
  Integer port;

  @Option(names = "--deadline", description = "Seconds after which it fails (default: ${DEFAULT-VALUE}).")
  int deadlineSeconds = 120;

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LoadScenario.LOGBACK_RESOURCE);
    }
    System.exit(new CommandLine(new HandshakeScenario()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (sessions < 1 || sessions > 1_000_000 || threads < 1 || threads > 256
        || deadlineSeconds < 1 || maxWarmups < 1 || maxWarmups > 100 || measuredPasses < 1
        || measuredPasses > 25) {
      spec.commandLine().getErr().println("handshake-scenario: sessions 1 to 1000000, threads 1"
          + " to 256, max-warmups 1 to 100, measured-passes 1 to 25, deadline at least 1");
      return 2;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    if (port != null) {
      return measure(out, new InetSocketAddress(loopback, port), deadline) ? 0 : 1;
    }
    ServerConfig config = ServerConfig.builder().dataFile(ScratchStore.fresh()).bind(loopback).port(0).discovery(false)
        .messageRate(0, 1).connectRate(0, 1).idleTimeout(Duration.ZERO)
        .maxClients(Math.max(1000, threads * 4)).maxPerAddress(100_000)
        .roomBudget(ServerConfig.RoomBudget.UNLIMITED).build();
    try (ChatServer server = ChatServer.start(config, Identity.generate(new SecureRandom()))) {
      return measure(out, server.localAddress(), deadline) ? 0 : 1;
    }
  }

  private boolean measure(PrintWriter out, InetSocketAddress server, long deadline) {
    out.printf(Locale.ROOT, "handshakes: %,d sessions a pass (warm-up passes, then %d measured),"
        + " %d at once; load average %s%n", sessions, measuredPasses, threads,
        LoadScenario.loadAverage());
    SecureRandom random = new SecureRandom();
    Identity[] keys = new Identity[threads];
    for (int t = 0; t < threads; t++) {
      keys[t] = Identity.generate(random);
    }
    // the warm-up binds each thread's name to its key; the measured passes are returning clients
    for (int pass = 1; pass <= maxWarmups; pass++) {
      Measured warm = pass(server, keys, deadline);
      if (warm.outcome().problem() != null) {
        out.println("handshakes: FAILED in warm-up: " + warm.outcome().problem());
        return false;
      }
      out.printf(Locale.ROOT, "handshakes: warm-up pass %d: %,.0f sessions/s, JIT %.0f %% of"
          + " its CPU%n", pass, warm.rate(), warm.jitShare() * 100);
      if (NativeThreadCpu.settled(warm.jitShare())) {
        break;
      }
    }
    // several measured passes, the median one reported: one pass of a few seconds can meet a
    // moment when the shared machine is slow, as the floor's JMH iterations can, and the floor
    // takes their median too
    List<Measured> passes = new ArrayList<>();
    for (int pass = 1; pass <= measuredPasses; pass++) {
      Measured m = pass(server, keys, deadline);
      passes.add(m);
      if (m.outcome().problem() != null) {
        break;
      }
      out.printf(Locale.ROOT, "handshakes: measured pass %d: %,.0f sessions/s, %.1f us of CPU per"
          + " session%n", pass, m.rate(), m.cpuMicrosPerSession());
    }
    // a failed pass ends the loop and is the one reported
    Measured last = passes.get(passes.size() - 1);
    Measured r = last.outcome().problem() != null ? last : median(passes);
    out.printf(Locale.ROOT, "handshakes: %,d of %,d sessions in %.3f s = %,.0f sessions/s: %s%n",
        r.outcome().completed(), sessions, r.outcome().nanos() / 1e9, r.rate(),
        r.outcome().problem() == null
            ? "OK (the median of " + passes.size() + " measured passes by rate)"
            : "FAILED: " + r.outcome().problem());
    if (r.outcome().completed() > 0 && r.cpuNanos() > 0) {
      int cpus = Runtime.getRuntime().availableProcessors();
      out.printf(Locale.ROOT, "handshakes: CPU of this JVM %.1f us per session (load and server);"
          + " all %d CPUs at that cost = %,.0f sessions/s%n", r.cpuMicrosPerSession(), cpus,
          cpus * 1e6 / r.cpuMicrosPerSession());
      // what the JMH floor does not count: the JIT still compiling and the GC, in the same pass
      out.printf(Locale.ROOT, "handshakes: of which JIT compiler %.1f us and GC %.1f us per"
          + " session (their threads' CPU time)%n", r.jitMillis() * 1e3 / r.outcome().completed(),
          r.gcMillis() * 1e3 / r.outcome().completed());
    }
    out.flush();
    return r.outcome().problem() == null;
  }

  /** One pass, warm-up or measured: what it did and the CPU time this JVM spent on it. */
  private record Measured(Outcome outcome, long cpuNanos, long jitMillis, long gcMillis) {
    double rate() {
      return outcome.completed() * 1e9 / outcome.nanos();
    }

    /** The JIT compiler threads' share of the pass's CPU, 0 to 1. */
    double jitShare() {
      return jitMillis * 1e6 / Math.max(1, cpuNanos);
    }

    double cpuMicrosPerSession() {
      return cpuNanos / 1e3 / Math.max(1, outcome.completed());
    }
  }

  /** One pass of {@code --sessions} sessions, with the CPU time spent on it. */
  private Measured pass(InetSocketAddress server, Identity[] keys, long deadline) {
    long cpuBefore = NativeThreadCpu.processNanos();
    long jitBefore = NativeThreadCpu.jitMillis();
    long gcBefore = NativeThreadCpu.gcMillis();
    Outcome outcome = sessions(server, keys, deadline);
    return new Measured(outcome, NativeThreadCpu.processNanos() - cpuBefore,
        NativeThreadCpu.jitMillis() - jitBefore, NativeThreadCpu.gcMillis() - gcBefore);
  }

  /** The pass with the median rate (the upper one of an even count). */
  private static Measured median(List<Measured> passes) {
    List<Measured> byRate = new ArrayList<>(passes);
    byRate.sort(Comparator.comparingDouble(Measured::rate));
    return byRate.get(byRate.size() / 2);
  }

  /** What one pass of sessions did. */
  private record Outcome(int completed, long nanos, String problem) {}

  private Outcome sessions(InetSocketAddress server, Identity[] keys, long deadline) {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    SecureRandom random = new SecureRandom();
    Thread[] workers = new Thread[threads];
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      Identity key = keys[t];
      String name = "hs-" + t; // a returning client: its own name, every session
      workers[t] = Thread.ofPlatform().name("handshake-" + t).daemon(true).start(() -> {
        int i;
        while (failure.get() == null && (i = next.getAndIncrement()) < sessions) {
          int left = (int) TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (left <= 0) {
            failure.compareAndSet(null, "the deadline passed");
            return;
          }
          try {
            LoadClient.login(server, name, left, random, key).leave();
            completed.incrementAndGet();
          } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, "session " + i + ": " + e.getMessage());
          }
        }
      });
    }
    for (Thread w : workers) {
      try {
        w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, "interrupted");
      }
    }
    if (completed.get() < sessions) { // a worker still blocked when the deadline came
      failure.compareAndSet(null, "only " + completed.get() + " of " + sessions
          + " sessions ended before the deadline");
    }
    return new Outcome(completed.get(), System.nanoTime() - start, failure.get());
  }
}
