package dev.lanchat.bench;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.crypto.X25519;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
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
 * X25519 key agreement and ephemeral key generation: BouncyCastle's {@code rfc7748.X25519} (what
 * chat-common's {@link X25519} wraps) against the JDK's {@code XDH}, on the same keys.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class X25519Benchmark {
  private SecureRandom random;
  private byte[] ownPrivate;
  private byte[] peerPublic;
  private PrivateKey jdkOwnPrivate;
  private PublicKey jdkPeerPublic;
  private KeyAgreement jdkAgreement;
  private KeyPairGenerator jdkGenerator;

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    random = new SecureRandom();
    ownPrivate = new byte[X25519.KEY_SIZE];
    org.bouncycastle.math.ec.rfc7748.X25519.generatePrivateKey(random, ownPrivate);
    X25519.KeyPair peer = X25519.generate(random);
    peerPublic = peer.publicKey();
    peer.wipe();
    jdkOwnPrivate = JdkKeys.x25519Private(ownPrivate);
    jdkPeerPublic = JdkKeys.x25519Public(peerPublic);
    jdkAgreement = KeyAgreement.getInstance("XDH");
    jdkGenerator = KeyPairGenerator.getInstance("X25519");
    jdkGenerator.initialize(NamedParameterSpec.X25519, random);
  }

  @Benchmark
  public byte[] bcAgree() {
    byte[] shared = new byte[X25519.KEY_SIZE];
    org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(
        ownPrivate, 0, peerPublic, 0, shared, 0);
    return shared;
  }

  @Benchmark
  public byte[] commonAgree() throws ProtocolException {
    return X25519.agree(ownPrivate, peerPublic);
  }

  @Benchmark
  public byte[] jdkAgree() throws GeneralSecurityException {
    jdkAgreement.init(jdkOwnPrivate);
    jdkAgreement.doPhase(jdkPeerPublic, true);
    return jdkAgreement.generateSecret();
  }

  @Benchmark
  public byte[] commonGenerate() {
    X25519.KeyPair pair = X25519.generate(random);
    pair.wipe();
    return pair.publicKey();
  }

  @Benchmark
  public KeyPair jdkGenerate() {
    return jdkGenerator.generateKeyPair();
  }
}
