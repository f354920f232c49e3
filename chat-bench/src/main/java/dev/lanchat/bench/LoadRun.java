package dev.lanchat.bench;

import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Texts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * One load run against a chat server: connect {@code clients} clients (handshake + JOIN), let
 * the first {@code senders} of them send {@code messages} SAYs each while every client reads
 * everything, then check that every client received every message, in one and the same order.
 *
 * <p>Each SAY carries its sender's number, its sequence number and the {@link System#nanoTime}
 * of its send, so a receiver in this JVM knows the end-to-end latency of every MESSAGE. Bounded
 * by a deadline: past it every socket is closed and the run fails with what it has.
 */
final class LoadRun {
  /** Most MESSAGE deliveries one run may ask for (each is remembered for the order check). */
  static final long MAX_DELIVERIES = 20_000_000L;
  /** Shortest SAY text: the header with its numbers. */
  static final int MIN_TEXT_BYTES = 48;
  /** Longest time a histogram holds: longer than the longest deadline LoadScenario allows. */
  static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(3700);

  /** What to run. */
  record Settings(int clients, int senders, int messages, int textBytes, double ratePerSender,
      int connectParallelism) {
    Settings {
      require(clients >= 1 && clients <= 1000, "clients must be 1 to 1000, not " + clients);
      require(senders >= 1 && senders <= clients,
          "senders must be 1 to the number of clients (" + clients + "), not " + senders);
      require(messages >= 1, "messages per sender must be at least 1, not " + messages);
      require(textBytes >= MIN_TEXT_BYTES && textBytes <= Texts.MAX_BYTES,
          "the text size must be " + MIN_TEXT_BYTES + " to " + Texts.MAX_BYTES + " bytes, not "
              + textBytes);
      require(ratePerSender >= 0 && Double.isFinite(ratePerSender),
          "the rate per sender must be 0 (as fast as possible) or more");
      require(connectParallelism >= 1 && connectParallelism <= 64,
          "connect parallelism must be 1 to 64, not " + connectParallelism);
      require((long) senders * messages * clients <= MAX_DELIVERIES,
          "clients x senders x messages must be at most " + MAX_DELIVERIES);
    }

    long says() {
      return (long) senders * messages;
    }

    long deliveries() {
      return says() * clients;
    }

    String describe() {
      return String.format(Locale.ROOT, "%d clients, %d senders x %d SAYs of %d bytes, %s",
          clients, senders, messages, textBytes,
          ratePerSender == 0 ? "as fast as possible"
              : String.format(Locale.ROOT, "%.0f SAY/s per sender", ratePerSender));
    }
  }

  /**
   * What one run measured.
   *
   * @param connectNanos per client: connect + handshake + JOIN until WELCOME
   * @param handshakeNanos per client: connect + handshake
   * @param latencyNanos every delivery: send until the receiver decoded it
   * @param windowNanos first send until the last delivery at any receiver
   * @param acceptNanos first send until every sender had its own last SAY back; negative if
   *     some sender never had it back
   * @param sendNanos first send until the last sender had written its last SAY; negative if
   *     some sender never finished
   * @param delivered MESSAGE records received, all clients together
   * @param socketReads socket reads that returned data during the measured phase, all clients
   * @param cpuNanos CPU time of this whole JVM during the measured phase (clients, and the
   *     server when it runs in-process)
   * @param clientCpuNanos CPU time of the load clients' own threads (senders and receivers)
   *     during the measured phase; the rest of {@code cpuNanos} is the server, JIT and GC
   * @param jitNanos CPU time of this JVM's JIT compiler threads during the measured phase, part
   *     of {@code cpuNanos}: more than a few percent of it means the run was not yet warm
   * @param problem why the run failed (loss, order, deadline, error), or null
   */
  record Result(Settings settings, Histogram connectNanos, Histogram handshakeNanos,
      Histogram latencyNanos, long windowNanos, long acceptNanos, long sendNanos,
      long delivered, long socketReads, long cpuNanos, long clientCpuNanos, long jitNanos,
      String problem) {
    double deliveredPerSecond() {
      return delivered * 1e9 / windowNanos;
    }

    double acceptedPerSecond() {
      return settings.says() * 1e9 / acceptNanos;
    }

    double recordsPerRead() {
      return socketReads == 0 ? 0 : (double) delivered / socketReads;
    }

    double cpuMicrosPerDelivery() {
      return delivered == 0 ? 0 : cpuNanos / 1e3 / delivered;
    }

    double clientCpuMicrosPerDelivery() {
      return delivered == 0 ? 0 : clientCpuNanos / 1e3 / delivered;
    }

    /** The JIT compilers' share of this JVM's CPU during the measured phase, 0 to 1. */
    double jitShare() {
      return cpuNanos <= 0 ? 0 : Math.min(1, (double) jitNanos / cpuNanos);
    }

    boolean ok() {
      return problem == null;
    }
  }

  private final Settings settings;
  private final LoadClient.Connector connector;
  private final InetSocketAddress server;
  private final String namePrefix;
  private final long deadline;
  private final SecureRandom random = new SecureRandom();
  private final AtomicReference<String> failure = new AtomicReference<>();
  private final String[] senderNames;
  // set once by drive(), read by summarize() on the same thread
  private long start;
  private long cpuStart;
  private long jitStartMillis;
  private long readsBefore;

  private LoadRun(Settings settings, InetSocketAddress server, String namePrefix,
      long deadlineNanoTime, LoadClient.Connector connector) {
    this.settings = settings;
    this.connector = connector;
    this.server = server;
    this.namePrefix = namePrefix;
    this.senderNames = new String[settings.senders()];
    for (int i = 0; i < senderNames.length; i++) {
      senderNames[i] = namePrefix + i;
    }
    this.deadline = deadlineNanoTime;
  }

  /**
   * Runs {@code settings} against {@code server}, which must accept the clients without rate
   * limits, and returns what was measured; never throws for a failed run, whose
   * {@link Result#problem} then says why.
   *
   * @param namePrefix the clients join as this plus their number; a prefix no one else on the
   *     server uses, so runs one after another never collide with a leaving client's name
   * @param deadlineNanoTime the {@link System#nanoTime} by which the run must be over
   */
  static Result run(Settings settings, InetSocketAddress server, String namePrefix,
      long deadlineNanoTime) {
    return run(settings, server, namePrefix, deadlineNanoTime, LoadClient::connect);
  }

  /**
   * As {@link #run(Settings, InetSocketAddress, String, long)}, with clients made by
   * {@code connector}: {@link LoadClient#connectPlain} for the no-crypto yardstick.
   */
  static Result run(Settings settings, InetSocketAddress server, String namePrefix,
      long deadlineNanoTime, LoadClient.Connector connector) {
    return new LoadRun(settings, server, namePrefix, deadlineNanoTime, connector).run();
  }

  private Result run() {
    int n = settings.clients();
    Histogram connect = new Histogram(HIGHEST_NANOS, 3);
    Histogram handshake = new Histogram(HIGHEST_NANOS, 3);
    Histogram latency = new Histogram(1000, HIGHEST_NANOS, 3);
    Receiver[] receivers = new Receiver[n];
    List<LoadClient> clients = new ArrayList<>(n);
    List<Thread> threads = new ArrayList<>();
    try {
      connectAll(clients, connect, handshake);
      if (failure.get() != null) {
        return failed(settings, connect, handshake, latency, failure.get());
      }
      drive(clients, receivers, threads);
    } finally {
      boolean clean = failure.get() == null;
      for (LoadClient c : clients) {
        if (clean) {
          c.close();
        } else {
          c.abort();
        }
      }
      for (Thread t : threads) {
        joinQuietly(t);
      }
    }
    return summarize(receivers, connect, handshake, latency);
  }

  /** Starts a receiver per client and the senders, lets them go, and waits for the end. */
  private void drive(List<LoadClient> clients, Receiver[] receivers, List<Thread> threads) {
    int n = clients.size();
    for (LoadClient c : clients) {
      readsBefore += c.socketReads();
    }
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch received = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      receivers[i] = new Receiver(i, clients.get(i), settings, received);
      threads.add(Thread.ofPlatform().name("load-recv-" + i).daemon(true)
          .start(receivers[i]::run));
    }
    for (int s = 0; s < settings.senders(); s++) {
      Receiver own = receivers[s];
      threads.add(Thread.ofPlatform().name("load-send-" + s).daemon(true)
          .start(() -> send(own, go)));
    }
    jitStartMillis = NativeThreadCpu.jitMillis();
    cpuStart = NativeThreadCpu.processNanos();
    start = System.nanoTime();
    go.countDown();
    awaitAll(received, receivers);
  }

  /** The result of a run whose receivers have all ended: counts, windows, order check. */
  private Result summarize(Receiver[] receivers, Histogram connect, Histogram handshake,
      Histogram latency) {
    long cpu = NativeThreadCpu.processNanos() - cpuStart;
    long jit = TimeUnit.MILLISECONDS.toNanos(NativeThreadCpu.jitMillis() - jitStartMillis);
    long clientCpu = 0;
    long lastDelivery = start;
    long lastEcho = start;
    long sendEnd = start;
    long delivered = 0;
    long reads = -readsBefore;
    for (Receiver r : receivers) {
      latency.add(r.latency);
      delivered += r.count;
      lastDelivery = Math.max(lastDelivery, r.lastAt);
      if (r.index < settings.senders()) {
        lastEcho = Math.max(lastEcho, r.ownLastAt);
      }
      reads += r.client.socketReads();
      clientCpu += r.cpuNanos + r.sendCpuNanos;
      sendEnd = Math.max(sendEnd, r.sentAt);
    }
    for (int s = 0; s < settings.senders(); s++) {
      // a sender that never finished, or never had its last SAY back: no window to report
      if (receivers[s].sentAt == 0) {
        sendEnd = start - 1;
      }
      if (receivers[s].ownLastAt == 0) {
        lastEcho = start - 1;
      }
    }
    String problem = failure.get();
    if (problem == null) {
      problem = checkOrder(receivers);
    }
    return new Result(settings, connect, handshake, latency, lastDelivery - start,
        lastEcho - start, sendEnd - start, delivered, reads, cpu, clientCpu, jit, problem);
  }

  private void connectAll(List<LoadClient> clients, Histogram connect, Histogram handshake) {
    int n = settings.clients();
    ExecutorService pool = Executors.newFixedThreadPool(settings.connectParallelism(),
        Thread.ofPlatform().name("load-connect-", 0).daemon(true).factory());
    try {
      List<Future<LoadClient>> pending = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String name = namePrefix + i;
        pending.add(pool.submit(() -> connector.connect(server, name, remainingMillis(), random)));
      }
      for (int i = 0; i < n; i++) {
        try {
          LoadClient c = pending.get(i).get(Math.max(1, deadline - System.nanoTime()),
              TimeUnit.NANOSECONDS);
          clients.add(c);
          connect.recordValue(c.handshakeNanos() + c.joinNanos());
          handshake.recordValue(c.handshakeNanos());
        } catch (ExecutionException e) {
          fail("client " + i + " could not connect and join: " + brief(e.getCause()));
          break;
        } catch (TimeoutException e) {
          fail("the deadline passed while connecting: " + clients.size() + " of " + n
              + " clients had joined");
          break;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          fail("interrupted while connecting");
          break;
        }
      }
      if (failure.get() != null) {
        for (Future<LoadClient> f : pending) {
          f.cancel(true);
          if (f.isDone() && !f.isCancelled()) {
            try {
              LoadClient c = f.resultNow();
              if (!clients.contains(c)) {
                clients.add(c);
              }
            } catch (IllegalStateException e) {
              // it failed: nothing to close
            }
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Sends this sender's SAYs, paced if asked, and notes when the last one was written. */
  private void send(Receiver own, CountDownLatch go) {
    int sender = own.index;
    LoadClient client = own.client;
    try {
      go.await();
      long cpuStart = threadCpuNanos();
      long interval = settings.ratePerSender() == 0 ? 0
          : (long) (1e9 / settings.ratePerSender());
      // paced senders take turns: sender s sends s/senders of an interval after sender 0, so
      // the server gets a steady rate, not every sender's SAY at the same instant once an
      // interval (a burst that measured how fast a burst drains, by how the threads woke)
      long first = start + interval * sender / settings.senders();
      StringBuilder text = new StringBuilder(settings.textBytes());
      for (int seq = 0; seq < settings.messages() && failure.get() == null; seq++) {
        if (interval > 0) {
          long due = first + seq * interval;
          long wait;
          while ((wait = due - System.nanoTime()) > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(wait);
          }
        }
        if (System.nanoTime() >= deadline) {
          return;
        }
        client.say(Payload.format(text, sender, seq, System.nanoTime(), settings.textBytes()));
      }
      own.sentAt = System.nanoTime();
      own.sendCpuNanos = threadCpuNanos() - cpuStart;
    } catch (IOException e) {
      fail("sender " + sender + " failed: " + brief(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitAll(CountDownLatch received, Receiver[] receivers) {
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          long got = 0;
          for (Receiver r : receivers) {
            got += r.count;
          }
          fail(String.format(Locale.ROOT,
              "the deadline passed with %,d of %,d MESSAGE deliveries received", got,
              settings.deliveries()));
          return;
        }
        if (received.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)),
            TimeUnit.NANOSECONDS) || failure.get() != null) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted while waiting for the receivers");
    }
  }

  /**
   * Every receiver must hold every message exactly once, each sender's in send order, and all in
   * the order the first receiver saw.
   */
  private String checkOrder(Receiver[] receivers) {
    Receiver first = receivers[0];
    int expected = (int) settings.says();
    for (Receiver r : receivers) {
      if (r.count != expected) {
        return String.format(Locale.ROOT, "lost messages: %s received %,d of %,d MESSAGEs",
            r.client.name(), r.count, expected);
      }
      int[] next = new int[settings.senders()];
      for (int k = 0; k < expected; k++) {
        int sender = (int) (r.ids[k] >>> 32);
        int seq = (int) r.ids[k];
        if (seq != next[sender]) {
          return String.format(Locale.ROOT,
              "%s got message %d of sender %d where %d was due (position %d): lost, duplicated"
                  + " or reordered", r.client.name(), seq, sender, next[sender], k);
        }
        next[sender]++;
      }
      int at = Arrays.mismatch(first.ids, r.ids);
      if (at >= 0) {
        return String.format(Locale.ROOT,
            "order differs: %s and %s first disagree at position %d (%s vs %s)",
            first.client.name(), r.client.name(), at, Payload.describeId(first.ids[at]),
            Payload.describeId(r.ids[at]));
      }
    }
    return null;
  }

  private int remainingMillis() {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
  }

  private void fail(String problem) {
    failure.compareAndSet(null, problem);
  }

  private static Result failed(Settings settings, Histogram connect, Histogram handshake,
      Histogram latency, String problem) {
    return new Result(settings, connect, handshake, latency, 1, 1, 1, 0, 0, 0, 0, 0, problem);
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String brief(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static long threadCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
  }

  private static void require(boolean ok, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** The text of a load SAY: {@code load s=<sender> n=<seq> t=<nanoTime> } then padding. */
  static final class Payload {
    private Payload() {}

    static String format(StringBuilder text, int sender, int seq, long nanos, int bytes) {
      text.setLength(0);
      text.append("load s=").append(sender).append(" n=").append(seq).append(" t=").append(nanos)
          .append(' ');
      while (text.length() < bytes) {
        text.append('x');
      }
      return text.toString();
    }

    /** The (sender, seq) of a load text as one long, or -1 when it is not one. */
    static long id(String text) {
      int s = text.indexOf("s=");
      int n = text.indexOf(" n=", s);
      int t = text.indexOf(" t=", n);
      if (!text.startsWith("load ") || s < 0 || n < 0 || t < 0) {
        return -1;
      }
      return ((long) Integer.parseInt(text, s + 2, n, 10) << 32)
          | Integer.parseInt(text, n + 3, t, 10);
    }

    static long sentAt(String text) {
      int t = text.indexOf(" t=");
      int end = text.indexOf(' ', t + 3);
      return Long.parseLong(text, t + 3, end, 10);
    }

    static String describeId(long id) {
      return "sender " + (id >>> 32) + " message " + (int) id;
    }
  }

  /** One client's reading side: every MESSAGE is checked, timed and remembered. */
  private final class Receiver {
    final int index;
    final LoadClient client;
    final long[] ids;
    final Histogram latency = new Histogram(1000, HIGHEST_NANOS, 3);
    final CountDownLatch received;
    volatile int count;
    volatile long lastAt;
    volatile long ownLastAt;
    volatile long sentAt;
    volatile long cpuNanos;
    volatile long sendCpuNanos;

    Receiver(int index, LoadClient client, Settings settings, CountDownLatch received) {
      this.index = index;
      this.client = client;
      this.ids = new long[(int) settings.says()];
      this.received = received;
    }

    void run() {
      int expected = ids.length;
      int got = 0;
      long cpuStart = threadCpuNanos();
      try {
        while (got < expected) {
          ServerMessage m = client.receive();
          long now = System.nanoTime();
          if (m instanceof ServerMessage.Chat chat) {
            if (!record(chat, now, got)) {
              return;
            }
            got++;
          } else if (!isSetUp(m)) {
            fail(client.name() + " got " + LoadClient.describe(m)
                + " during the run (a LEFT means the server dropped a client)");
            return;
          }
        }
      } catch (java.io.EOFException e) {
        fail(client.name() + " was disconnected by the server after " + got + " MESSAGEs"
            + " (a server closes a client whose outbound backlog overflows: LEFT \"too slow\")");
      } catch (IOException e) {
        fail(client.name() + " stopped receiving after " + got + " MESSAGEs: " + brief(e));
      } catch (RuntimeException e) {
        fail(client.name() + " could not read a MESSAGE: " + brief(e));
      } finally {
        cpuNanos = threadCpuNanos() - cpuStart;
        received.countDown();
      }
    }

    /** Records one MESSAGE as delivery number {@code at}; false (and the run fails) if foreign. */
    private boolean record(ServerMessage.Chat chat, long now, int at) {
      long id = Payload.id(chat.text());
      if (id < 0 || (id >>> 32) >= senderNames.length
          || !chat.from().equals(senderNames[(int) (id >>> 32)])) {
        fail(client.name() + " got a MESSAGE that no sender of this run sent");
        return false;
      }
      latency.recordValue(Math.max(0, now - Payload.sentAt(chat.text())));
      ids[at] = id;
      count = at + 1;
      lastAt = now;
      if ((id >>> 32) == index && (int) id == settings.messages() - 1) {
        ownLastAt = now;
      }
      return true;
    }

    /**
     * True for what may arrive during a run without harm: joins of clients after this one (part
     * of the set-up), and leaves of names outside this run (a flooding client the server
     * dropped, say), alone or coalesced by the room.
     */
    private boolean isSetUp(ServerMessage m) {
      return switch (m) {
        case ServerMessage.Joined joined -> true;
        case ServerMessage.Left left -> !left.name().startsWith(namePrefix);
        case ServerMessage.MembersChanged changed -> changed.changes().stream()
            .allMatch(c -> c instanceof MemberChange.Joined
                || c instanceof MemberChange.Left l && !l.name().startsWith(namePrefix));
        default -> false;
      };
    }
  }
}
