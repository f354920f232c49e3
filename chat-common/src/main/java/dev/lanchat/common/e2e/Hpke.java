package dev.lanchat.common.e2e;

import java.util.Optional;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * HPKE (RFC 9180) in base mode with the one suite LanChat uses: DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256, ChaCha20Poly1305, through BouncyCastle's {@code org.bouncycastle.crypto.hpke}.
 * Single-shot: one context seals one message (RFC 9180 §6.1).
 *
 * <p>ChaCha20Poly1305 and not AES-256-GCM: BouncyCastle's HPKE runs its AEAD in Java, where AES
 * is table-based (not constant-time against cache timing) while ChaCha20 is plain arithmetic;
 * and RFC 9180 prints test vectors for exactly this suite (A.2), so our test checks the library
 * against the RFC itself. Stateless and thread-safe.
 */
final class Hpke {
  /** Size of {@code enc}, the encapsulated X25519 public key. */
  static final int ENC_SIZE = 32;

  /** Size of the AEAD tag added to every ciphertext. */
  static final int TAG_SIZE = 16;

  private Hpke() {}

  private static HPKE suite() {
    return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256,
        HPKE.aead_CHACHA20_POLY1305);
  }

  /** What {@link #seal} produced: the encapsulated key and the ciphertext. */
  record Sealed(byte[] enc, byte[] ciphertext) {}

  /**
   * SetupBaseS then Seal (RFC 9180 §5.1.1, §5.2) with a fresh ephemeral key from {@code
   * ephemeralPrivate} (32 random bytes; fixed only in vectors).
   */
  static Sealed seal(byte[] recipientPublic, byte[] info, byte[] aad, byte[] plaintext,
      byte[] ephemeralPrivate) {
    HPKE hpke = suite();
    X25519PrivateKeyParameters skE = new X25519PrivateKeyParameters(ephemeralPrivate, 0);
    AsymmetricCipherKeyPair kpE = new AsymmetricCipherKeyPair(skE.generatePublicKey(), skE);
    AsymmetricKeyParameter pkR = new X25519PublicKeyParameters(recipientPublic, 0);
    HPKEContextWithEncapsulation ctx = hpke.setupBaseS(pkR, info, kpE);
    try {
      return new Sealed(ctx.getEncapsulation(), ctx.seal(aad, plaintext));
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("sealing cannot fail", e);
    }
  }

  /**
   * SetupBaseR then Open (RFC 9180 §5.1.1, §5.2).
   *
   * @return the plaintext, or empty when the ciphertext does not open (wrong key, info, aad,
   *     or changed bytes)
   */
  static Optional<byte[]> open(byte[] recipientPrivate, byte[] enc, byte[] info, byte[] aad,
      byte[] ciphertext) {
    HPKE hpke = suite();
    X25519PrivateKeyParameters skR = new X25519PrivateKeyParameters(recipientPrivate, 0);
    AsymmetricCipherKeyPair kpR = new AsymmetricCipherKeyPair(skR.generatePublicKey(), skR);
    try {
      HPKEContext ctx = hpke.setupBaseR(enc, kpR, info);
      return Optional.of(ctx.open(aad, ciphertext));
    } catch (InvalidCipherTextException | RuntimeException e) {
      // a low-order enc or a bad tag: both are "does not open", never a crash
      return Optional.empty();
    }
  }
}
