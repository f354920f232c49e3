package dev.lanchat.bench;

import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.Hkdf;
import dev.lanchat.common.handshake.ClientHello;
import dev.lanchat.common.handshake.KeySchedule;
import dev.lanchat.common.handshake.ServerHello;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Random;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The HKDF part of the key schedule (protocol §2.3): one extract and two 32-byte expands, through
 * chat-common's BouncyCastle-based {@link Hkdf} and through {@link MacHkdf} on the JDK's {@code
 * HmacSHA256}; plus the whole {@link KeySchedule#derive} for scale.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HkdfBenchmark {
  private byte[] shared;
  private byte[] salt;
  private byte[] infoC2s;
  private byte[] infoS2c;
  private byte[] serverHello;
  private byte[] clientHello;
  private MacHkdf reusedMacHkdf;

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    Random random = new Random(20261125L);
    shared = new byte[32];
    salt = new byte[32];
    byte[] th = new byte[32];
    random.nextBytes(shared);
    random.nextBytes(salt);
    random.nextBytes(th);
    infoC2s = Bytes.concat("lanchat v2 c2s".getBytes(StandardCharsets.US_ASCII), th);
    infoS2c = Bytes.concat("lanchat v2 s2c".getBytes(StandardCharsets.US_ASCII), th);
    serverHello = new byte[ServerHello.SIZE];
    clientHello = new byte[ClientHello.SIZE];
    random.nextBytes(serverHello);
    random.nextBytes(clientHello);
    reusedMacHkdf = new MacHkdf();
  }

  @Benchmark
  public void commonHkdf(Blackhole out) {
    byte[] prk = Hkdf.extract(salt, shared);
    out.consume(Hkdf.expand(prk, infoC2s, 32));
    out.consume(Hkdf.expand(prk, infoS2c, 32));
  }

  /** A new {@code Mac} per key schedule, as a thread-safe static helper would need. */
  @Benchmark
  public void jdkMacHkdf(Blackhole out) throws GeneralSecurityException {
    MacHkdf hkdf = new MacHkdf();
    byte[] prk = hkdf.extract(salt, shared);
    out.consume(hkdf.expand(prk, infoC2s, 32));
    out.consume(hkdf.expand(prk, infoS2c, 32));
  }

  /** One {@code Mac} kept across key schedules: the JDK's best case. */
  @Benchmark
  public void jdkMacHkdfReused(Blackhole out) throws GeneralSecurityException {
    byte[] prk = reusedMacHkdf.extract(salt, shared);
    out.consume(reusedMacHkdf.expand(prk, infoC2s, 32));
    out.consume(reusedMacHkdf.expand(prk, infoS2c, 32));
  }

  @Benchmark
  public KeySchedule keySchedule() {
    return KeySchedule.derive(shared, salt, serverHello, clientHello);
  }
}
