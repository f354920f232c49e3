package dev.lanchat.bench;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientAuthOutcome;
import dev.lanchat.common.handshake.ClientAuthentication;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.HandshakeResult;
import dev.lanchat.common.handshake.ServerHandshake;
import dev.lanchat.common.handshake.ServerKeyVerifier;
import dev.lanchat.common.message.MessageChannel;
import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One full handshake (protocol §2) through chat-common's public API: {@link ServerHandshake} on
 * a helper thread and {@link ClientHandshake} on the benchmark thread, over an {@link
 * InMemoryDuplex}. It includes two X25519 key pairs and agreements, the key schedule, one
 * Ed25519 sign and verify, one sealed record, and two thread hand-offs per round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HandshakeBenchmark {
  private SecureRandom random;
  private Identity identity;
  private Identity clientIdentity;
  private ExecutorService serverThread;

  @Setup(Level.Trial)
  public void setUp() {
    random = new SecureRandom();
    identity = Identity.generate(random);
    clientIdentity = Identity.generate(random);
    serverThread = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "handshake-server");
      thread.setDaemon(true);
      return thread;
    });
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    serverThread.shutdownNow();
    serverThread.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Benchmark
  public void handshake(Blackhole out) throws Exception {
    InMemoryDuplex link = new InMemoryDuplex();
    // the server's part includes checking CLIENT_AUTH, as a real server does before JOIN
    Future<ClientAuthOutcome> server = serverThread.submit(() -> {
      FrameReader reader = new FrameReader(link.serverIn());
      FrameWriter writer = new FrameWriter(link.serverOut());
      HandshakeResult result = ServerHandshake.run(reader, writer, identity, random);
      return ClientAuthentication.read(
          new MessageChannel(result.channel(reader, writer)), result.th());
    });
    HandshakeResult client = ClientHandshake.run(new FrameReader(link.clientIn()),
        new FrameWriter(link.clientOut()), clientIdentity, random, ServerKeyVerifier.TRUST_ANY);
    out.consume(client);
    out.consume(server.get(InMemoryDuplex.READ_TIMEOUT_SECONDS, TimeUnit.SECONDS));
  }
}
