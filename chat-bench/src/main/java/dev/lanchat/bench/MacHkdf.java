package dev.lanchat.bench;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF-SHA256 (RFC 5869) written on the JDK's {@code HmacSHA256}, the alternative to
 * chat-common's BouncyCastle-based {@code Hkdf}. Not thread-safe: it holds one {@code Mac}.
 */
final class MacHkdf {
  private static final int HASH_LEN = 32;
  private static final byte[] ZERO_SALT = new byte[HASH_LEN];

  private final Mac mac;

  MacHkdf() throws GeneralSecurityException {
    this.mac = Mac.getInstance("HmacSHA256");
  }

  /** HKDF-Extract(salt, ikm), RFC 5869 §2.2. An empty salt means HashLen zero bytes. */
  byte[] extract(byte[] salt, byte[] ikm) throws GeneralSecurityException {
    mac.init(new SecretKeySpec(salt.length == 0 ? ZERO_SALT : salt, "HmacSHA256"));
    return mac.doFinal(ikm);
  }

  /** HKDF-Expand(prk, info, length), RFC 5869 §2.3. */
  byte[] expand(byte[] prk, byte[] info, int length) throws GeneralSecurityException {
    if (length < 0 || length > 255 * HASH_LEN) {
      throw new IllegalArgumentException("HKDF-SHA256 gives at most 8160 bytes");
    }
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    byte[] okm = new byte[length];
    byte[] t = new byte[0];
    int at = 0;
    for (int i = 1; at < length; i++) {
      mac.update(t);
      mac.update(info);
      mac.update((byte) i);
      t = mac.doFinal();
      int n = Math.min(t.length, length - at);
      System.arraycopy(t, 0, okm, at, n);
      at += n;
    }
    return okm;
  }
}
