package dev.lanchat.common.crypto;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import java.security.SecureRandom;

/**
 * X25519 (RFC 7748) through BouncyCastle's constant-time implementation, with the all-zero
 * shared-secret check of protocol §2.3.
 */
public final class X25519 {
  /** Size of keys and of the shared secret. */
  public static final int KEY_SIZE = 32;

  private X25519() {}

  /** An ephemeral key pair; {@link #wipe()} the private half once the keys exist. */
  public static final class KeyPair {
    private final byte[] privateKey;
    private final byte[] publicKey;

    private KeyPair(byte[] privateKey) {
      this.privateKey = privateKey;
      this.publicKey = new byte[KEY_SIZE];
      org.bouncycastle.math.ec.rfc7748.X25519.generatePublicKey(privateKey, 0, publicKey, 0);
    }

    /** The public key (a copy). */
    public byte[] publicKey() {
      return publicKey.clone();
    }

    /** Computes the shared secret with {@code peerPublic}; see {@link X25519#agree}. */
    public byte[] agree(byte[] peerPublic) throws ProtocolException {
      return X25519.agree(privateKey, peerPublic);
    }

    /** Overwrites the private key. */
    public void wipe() {
      Bytes.wipe(privateKey);
    }
  }

  /** A fresh key pair from {@code random}. */
  public static KeyPair generate(SecureRandom random) {
    byte[] k = new byte[KEY_SIZE];
    org.bouncycastle.math.ec.rfc7748.X25519.generatePrivateKey(random, k);
    return new KeyPair(k);
  }

  /** A key pair from a fixed private scalar (test vectors only). The scalar is copied. */
  public static KeyPair fromPrivate(byte[] privateKey) {
    if (privateKey.length != KEY_SIZE) {
      throw new IllegalArgumentException("an X25519 private key is 32 bytes");
    }
    return new KeyPair(privateKey.clone());
  }

  /**
   * X25519(privateKey, peerPublic).
   *
   * @throws ProtocolException with {@link Reason#LOW_ORDER_KEY} if the result is 32 zero bytes
   */
  public static byte[] agree(byte[] privateKey, byte[] peerPublic) throws ProtocolException {
    if (privateKey.length != KEY_SIZE || peerPublic.length != KEY_SIZE) {
      throw new IllegalArgumentException("X25519 keys are 32 bytes");
    }
    byte[] shared = new byte[KEY_SIZE];
    boolean nonZero = org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(
        privateKey, 0, peerPublic, 0, shared, 0);
    if (!nonZero || Bytes.isAllZero(shared)) {
      Bytes.wipe(shared);
      throw new ProtocolException(Reason.LOW_ORDER_KEY,
          "the peer's X25519 key gave an all-zero shared secret (low-order point)");
    }
    return shared;
  }
}
