package dev.lanchat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.server.ChatServer;
import dev.lanchat.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A tiny load run must complete with every message delivered to every client in one order; the
 * generator must never aim at anything but loopback. No timing is asserted.
 */
class LoadScenarioTest {
  @TempDir
  Path dir;

  private int stores;

  /** Runs a scenario's command line, checks it exits 0 (else fails with its stderr): its stdout. */
  private static String runToExitZero(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new CommandLine(command)
        .setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(args);
    assertEquals(0, code, err.toString());
    return out.toString();
  }

  @Test
  @Timeout(60)
  void tinyRunDeliversEveryMessageToEveryClientInOneOrder() throws Exception {
    ServerConfig config = ServerConfig.builder()
        .dataFile(dir.resolve("server" + (++stores) + ".db"))
        .bind(InetAddress.getLoopbackAddress())
        .port(0)
        .discovery(false)
        .messageRate(0, 1)
        .connectRate(0, 1)
        .backlog(10_000, 1L << 24).build();
    LoadRun.Settings settings = new LoadRun.Settings(3, 3, 5, 64, 0, 2);
    try (ChatServer server = ChatServer.start(config, Identity.generate(new SecureRandom()))) {
      LoadRun.Result r = LoadRun.run(settings, server.localAddress(), "t-",
          System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
      assertNull(r.problem());
      assertEquals(3 * 3 * 5, r.delivered());
      assertEquals(3 * 3 * 5, r.latencyNanos().getTotalCount());
      assertEquals(3, r.connectNanos().getTotalCount());
    }
  }

  @Test
  @Timeout(60)
  void theYardstickDeliversEveryMessageToEveryClientInOneOrder() throws Exception {
    LoadRun.Settings settings = new LoadRun.Settings(3, 3, 5, 64, 0, 2);
    try (PlainServer server = PlainServer.start(InetAddress.getLoopbackAddress())) {
      LoadRun.Result r = LoadRun.run(settings, server.localAddress(), "p-",
          System.nanoTime() + TimeUnit.SECONDS.toNanos(30), LoadClient::connectPlain);
      assertNull(r.problem());
      assertEquals(3 * 3 * 5, r.delivered());
    }
  }

  @Test
  @Timeout(60)
  void aYardstickRunReportsBothServersAndTheirRatio() {
    String out = runToExitZero(new LoadScenario(),
        "--clients", "3", "--senders", "2", "--messages", "5", "--warmup", "0",
        "--yardstick", "--deadline", "30");
    assertTrue(out.contains("yardstick ratio, LanChat / no-crypto"), out);
  }

  @Test
  @Timeout(60)
  void aPacedRunWarmsUpAtItsOwnPaceAtMostAsOftenAsAllowedThenReportsTheJitShare() {
    String out = runToExitZero(new LoadScenario(),
        "--clients", "3", "--senders", "2", "--messages", "6", "--rate", "100", "--warmup", "1",
        "--max-paced-warmups", "2", "--deadline", "30");
    int flood = out.indexOf("warm-up 1 (the same SAYs as fast as possible)");
    int paced = out.indexOf("paced warm-up 1 (6 SAYs per sender at the measured pace): JIT ");
    int measured = out.indexOf("JIT compilers during the run: ");
    assertTrue(flood >= 0 && paced > flood && measured > paced, out);
    assertFalse(out.contains("paced warm-up 3"), out);
  }

  @Test
  @Timeout(60)
  void anUnpacedRunHasNoPacedWarmUp() {
    String out = runToExitZero(new LoadScenario(),
        "--clients", "3", "--senders", "2", "--messages", "5", "--warmup", "1",
        "--deadline", "30");
    assertFalse(out.contains("paced warm-up"), out);
  }

  @Test
  void theYardstickListensOnLoopbackOnly() {
    assertThrows(IllegalArgumentException.class,
        () -> PlainServer.start(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1})));
  }

  @Test
  @Timeout(60)
  void aTinyJoinStormEndsWithEveryRosterWhole() throws Exception {
    ServerConfig config = ServerConfig.builder()
        .dataFile(dir.resolve("server" + (++stores) + ".db"))
        .bind(InetAddress.getLoopbackAddress())
        .port(0)
        .discovery(false)
        .messageRate(0, 1)
        .connectRate(0, 1).build();
    try (ChatServer server = ChatServer.start(config, Identity.generate(new SecureRandom()))) {
      JoinStorm.Result r = JoinStorm.run(server.localAddress(), "s-", 12, 4,
          System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
      try {
        assertNull(r.problem());
        assertEquals(12, r.held().size());
      } finally {
        r.held().forEach(LoadClient::abort);
      }
    }
  }

  @Test
  @Timeout(60)
  void aStormFailsWhenAJoinIsRefused() throws Exception {
    ServerConfig config = ServerConfig.builder()
        .dataFile(dir.resolve("server" + (++stores) + ".db"))
        .bind(InetAddress.getLoopbackAddress())
        .port(0)
        .discovery(false)
        .messageRate(0, 1)
        .connectRate(0, 1).build();
    try (ChatServer server = ChatServer.start(config, Identity.generate(new SecureRandom()))) {
      // a stranger holds a name of the storm's own range, so that join is refused
      LoadClient stray = LoadClient.connect(server.localAddress(), "x-0", 10_000,
          new SecureRandom());
      JoinStorm.Result r = JoinStorm.run(server.localAddress(), "x-", 2, 1,
          System.nanoTime() + TimeUnit.SECONDS.toNanos(3));
      r.held().forEach(LoadClient::abort);
      stray.abort();
      assertTrue(r.problem() != null, "a storm with a refused join must fail");
    }
  }

  @Test
  @Timeout(60)
  void handshakeCommandCountsEveryCompletedSession() {
    String out = runToExitZero(new HandshakeScenario(),
        "--sessions", "6", "--threads", "2", "--deadline", "30");
    assertTrue(out.contains("6 of 6 sessions"), out);
  }

  @Test
  @Timeout(60)
  void handshakeCommandReportsThePassWithTheMedianRate() {
    String out = runToExitZero(new HandshakeScenario(),
        "--sessions", "6", "--threads", "2", "--measured-passes", "3", "--deadline", "30");
    Matcher pass = Pattern.compile(
        "measured pass \\d: ([\\d,]+) sessions/s").matcher(out);
    List<Long> rates = new ArrayList<>();
    while (pass.find()) {
      rates.add(Long.parseLong(pass.group(1).replace(",", "")));
    }
    assertEquals(3, rates.size(), out);
    Matcher reported = Pattern.compile(
        "6 of 6 sessions in [\\d.]+ s = ([\\d,]+) sessions/s: OK \\(the median of 3")
        .matcher(out);
    assertTrue(reported.find(), out);
    rates.sort(null);
    assertEquals(rates.get(1), Long.parseLong(reported.group(1).replace(",", "")), out);
  }

  @Test
  @Timeout(60)
  void stormCommandRunsAnInProcessServer() {
    String out = runToExitZero(new StormScenario(),
        "--clients", "8", "--connect-parallelism", "2", "--deadline", "30");
    assertTrue(out.contains("every roster whole after"), out);
  }

  @Test
  @Timeout(60)
  void stormWarmUpRunsAgainstAThrowawayServerBeforeTheMeasuredStorm() {
    String text = runToExitZero(new StormScenario(),
        "--clients", "6", "--warmup-clients", "4", "--connect-parallelism", "2",
        "--deadline", "30");
    int warmUp = text.indexOf("warm-up: 4 clients against a throwaway server in this JVM");
    int storm = text.indexOf("join storm: 6 clients");
    assertTrue(warmUp >= 0 && storm > warmUp, text);
    assertTrue(text.contains("every roster whole after"), text);
  }

  @Test
  @Timeout(60)
  void commandRunsAnInProcessServerAndReportsTheOrderCheck() {
    String out = runToExitZero(new LoadScenario(),
        "--clients", "3", "--senders", "2", "--messages", "5", "--deadline", "30");
    assertTrue(out.contains("in one identical order: OK"), out);
  }

  @Test
  void aRunWithAMessageMissingIsReportedAsLost() throws Exception {
    ServerConfig config = ServerConfig.builder()
        .dataFile(dir.resolve("server" + (++stores) + ".db"))
        .bind(InetAddress.getLoopbackAddress())
        .port(0)
        .discovery(false)
        .messageRate(0, 1)
        .connectRate(0, 1)
        // a backlog of one message: a client that falls behind is dropped as too slow
        .backlog(1, 1L << 20)
        .idleTimeout(Duration.ZERO).build();
    LoadRun.Settings settings = new LoadRun.Settings(3, 3, 200, 64, 0, 3);
    try (ChatServer server = ChatServer.start(config, Identity.generate(new SecureRandom()))) {
      LoadRun.Result r = LoadRun.run(settings, server.localAddress(), "slow-",
          System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
      assertTrue(r.problem() != null, "a backlog of one message cannot carry 600 deliveries");
    }
  }

  @Test
  @Timeout(60)
  void aRunPastItsDeadlineStopsAndSaysSo() throws Exception {
    ServerConfig config = ServerConfig.builder()
        .dataFile(dir.resolve("server" + (++stores) + ".db"))
        .bind(InetAddress.getLoopbackAddress())
        .port(0)
        .discovery(false)
        .messageRate(0, 1)
        .connectRate(0, 1).build();
    // one SAY a second for 50 seconds cannot finish within 2 seconds
    LoadRun.Settings settings = new LoadRun.Settings(2, 1, 50, 64, 1, 2);
    try (ChatServer server = ChatServer.start(config, Identity.generate(new SecureRandom()))) {
      LoadRun.Result r = LoadRun.run(settings, server.localAddress(), "late-",
          System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
      assertTrue(r.problem() != null && r.problem().contains("deadline"), r.problem());
    }
  }

  @Test
  void nonLoopbackTargetsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> LoadScenario.loopback("192.0.2.1"));
    assertThrows(IllegalArgumentException.class, () -> LoadScenario.loopback("example.com"));
    assertTrue(LoadScenario.loopback("127.0.0.1").isLoopbackAddress());
    assertTrue(LoadScenario.loopback("::1").isLoopbackAddress());
    assertTrue(LoadScenario.loopback("localhost").isLoopbackAddress());
    StringWriter err = new StringWriter();
    int code = new CommandLine(new LoadScenario()).setErr(new PrintWriter(err))
        .execute("--host", "10.0.0.1", "--port", "5000");
    assertEquals(2, code);
    assertTrue(err.toString().contains("not a loopback address"), err.toString());
  }

  @Test
  void payloadCarriesSenderSequenceAndSendTime() {
    String text = LoadRun.Payload.format(new StringBuilder(), 7, 42, 123_456_789L, 64);
    assertEquals(64, text.length());
    assertEquals((7L << 32) | 42, LoadRun.Payload.id(text));
    assertEquals(123_456_789L, LoadRun.Payload.sentAt(text));
  }
}
