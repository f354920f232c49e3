package dev.lanchat.common.crypto;

/** Ed25519 signatures (RFC 8032) through BouncyCastle. */
public final class Ed25519 {
  /** Size of a public key and of a private seed. */
  public static final int KEY_SIZE = 32;

  /** Size of a signature. */
  public static final int SIGNATURE_SIZE = 64;

  private Ed25519() {}

  /** The public key of a 32-byte private seed. */
  public static byte[] publicKey(byte[] seed) {
    checkKey(seed);
    byte[] pk = new byte[KEY_SIZE];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, pk, 0);
    return pk;
  }

  /** Signs {@code message} with a 32-byte private seed. */
  public static byte[] sign(byte[] seed, byte[] message) {
    checkKey(seed);
    byte[] sig = new byte[SIGNATURE_SIZE];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, message, 0, message.length, sig, 0);
    return sig;
  }

  /**
   * Signs with a seed and the public key derived from that very seed, which saves re-deriving
   * it on every signature (about half the cost, see docs/performance.md). Package-private: a
   * public key that does not belong to the seed would leak the private key, and only {@link
   * Identity}, which derives the pair itself, may call it.
   */
  static byte[] sign(byte[] seed, byte[] publicKey, byte[] message) {
    checkKey(seed);
    checkKey(publicKey);
    byte[] sig = new byte[SIGNATURE_SIZE];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(
        seed, 0, publicKey, 0, message, 0, message.length, sig, 0);
    return sig;
  }

  /**
   * True when {@code signature} is a valid signature of {@code message} under {@code publicKey}.
   * Anything malformed (wrong sizes, S ≥ L, non-canonical points) is simply not valid.
   */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey.length != KEY_SIZE || signature.length != SIGNATURE_SIZE) {
      return false;
    }
    try {
      return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
          signature, 0, publicKey, 0, message, 0, message.length);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * True when {@code publicKey} is 32 bytes that decode to a curve point (RFC 8032 §5.1.3, with
   * a canonical y) of more than small order. A small-order key would let any signature verify
   * for some messages, so a key a stranger presents is checked with this before it is used.
   */
  public static boolean isValidPublicKey(byte[] publicKey) {
    if (publicKey.length != KEY_SIZE) {
      return false;
    }
    try {
      // "partial" validation: decodes and refuses the small-order points, without the costly
      // prime-order check that signature verification does not need
      return org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartial(publicKey, 0);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void checkKey(byte[] key) {
    if (key.length != KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 key is 32 bytes, not " + key.length);
    }
  }
}
