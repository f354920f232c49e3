package dev.lanchat.bench;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.crypto.KeyLimitException;
import java.security.GeneralSecurityException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * AES-256-GCM seal and open of one record: the JDK's {@code AES/GCM/NoPadding} (what {@link
 * CipherState} uses), BouncyCastle's lightweight GCM, and {@code CipherState} itself. Every
 * benchmark uses a new counter nonce per record, as the protocol does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class AesGcmBenchmark {
  /** Plaintext bytes per record: a chat line, a roster, and a large record. */
  @Param({"64", "1024", "16384"})
  public int size;

  private byte[] key;
  private byte[] plaintext;
  private SecretKeySpec keySpec;
  private Cipher jdkSealer;
  private Cipher jdkOpener;
  private Gcm.BcDirection bcSealer;
  private Gcm.BcDirection bcOpener;
  private final byte[] nonce = new byte[Gcm.NONCE_SIZE];
  private long seq;

  private CipherState sealOnly;
  private CipherState sealer;
  private CipherState opener;

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    Random random = new Random(20261125L);
    key = new byte[32];
    random.nextBytes(key);
    plaintext = new byte[size];
    random.nextBytes(plaintext);
    keySpec = new SecretKeySpec(key, "AES");
    jdkSealer = Gcm.jdkCipher();
    jdkOpener = Gcm.jdkCipher();
    bcSealer = new Gcm.BcDirection(true, key);
    bcOpener = new Gcm.BcDirection(false, key);
  }

  /** Fresh cipher states, so no iteration can reach a key's record or byte limit. */
  @Setup(Level.Iteration)
  public void freshCipherStates() {
    sealOnly = CipherState.of(key);
    sealer = CipherState.of(key);
    opener = CipherState.of(key);
  }

  @Benchmark
  public byte[] jdkSealOpen() throws GeneralSecurityException {
    Gcm.counterNonce(seq++, nonce);
    byte[] record = Gcm.jdkSeal(jdkSealer, keySpec, nonce, plaintext);
    return Gcm.jdkOpen(jdkOpener, keySpec, nonce, record);
  }

  @Benchmark
  public byte[] bcSealOpen() throws InvalidCipherTextException {
    Gcm.counterNonce(seq++, nonce);
    byte[] record = bcSealer.process(nonce, plaintext);
    return bcOpener.process(nonce, record);
  }

  @Benchmark
  public byte[] cipherStateSealOpen() throws KeyLimitException, ProtocolException {
    return opener.open(sealer.seal(plaintext));
  }

  @Benchmark
  public byte[] cipherStateSeal() throws KeyLimitException {
    return sealOnly.seal(plaintext);
  }
}
