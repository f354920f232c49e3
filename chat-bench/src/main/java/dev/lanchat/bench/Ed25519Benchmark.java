package dev.lanchat.bench;

import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.handshake.KeySchedule;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
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

/**
 * Ed25519 signing and verifying of a SERVER_AUTH message: BouncyCastle's {@code rfc8032} (what
 * chat-common's {@link Ed25519} wraps) against the JDK's {@code Signature("Ed25519")}, on the
 * same key. {@code bcSignWithPublicKey} is BouncyCastle's variant that is handed the public key
 * instead of deriving it from the seed on every signature.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class Ed25519Benchmark {
  private byte[] seed;
  private byte[] publicKey;
  private byte[] message;
  private byte[] signature;
  private PrivateKey jdkPrivate;
  private PublicKey jdkPublic;
  private Signature jdkSigner;
  private Signature jdkVerifier;

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    SecureRandom random = new SecureRandom();
    seed = new byte[Ed25519.KEY_SIZE];
    random.nextBytes(seed);
    publicKey = Ed25519.publicKey(seed);
    byte[] th = new byte[32];
    random.nextBytes(th);
    message = KeySchedule.serverAuthMessage(th);
    signature = Ed25519.sign(seed, message);
    jdkPrivate = JdkKeys.ed25519Private(seed);
    jdkPublic = JdkKeys.ed25519Public(publicKey);
    jdkSigner = Signature.getInstance("Ed25519");
    jdkVerifier = Signature.getInstance("Ed25519");
  }

  @Benchmark
  public byte[] commonSign() {
    return Ed25519.sign(seed, message);
  }

  @Benchmark
  public byte[] bcSignWithPublicKey() {
    byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(
        seed, 0, publicKey, 0, message, 0, message.length, sig, 0);
    return sig;
  }

  @Benchmark
  public byte[] jdkSign() throws GeneralSecurityException {
    jdkSigner.initSign(jdkPrivate);
    jdkSigner.update(message);
    return jdkSigner.sign();
  }

  @Benchmark
  public boolean commonVerify() {
    return Ed25519.verify(publicKey, message, signature);
  }

  @Benchmark
  public boolean jdkVerify() throws GeneralSecurityException {
    jdkVerifier.initVerify(jdkPublic);
    jdkVerifier.update(message);
    return jdkVerifier.verify(signature);
  }
}
