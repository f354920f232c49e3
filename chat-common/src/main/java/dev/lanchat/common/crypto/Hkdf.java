package dev.lanchat.common.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF with SHA-256 (RFC 5869), through BouncyCastle's {@code HKDFBytesGenerator}. */
public final class Hkdf {
  /** Largest output of one expand: 255 × HashLen. */
  public static final int MAX_OUTPUT = 255 * 32;

  private Hkdf() {}

  /** HKDF-Extract(salt, ikm), RFC 5869 §2.2. An empty salt means HashLen zero bytes. */
  public static byte[] extract(byte[] salt, byte[] ikm) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    return generator.extractPRK(salt.length == 0 ? null : salt, ikm);
  }

  /**
   * HKDF-Expand(prk, info, length), RFC 5869 §2.3.
   *
   * @throws IllegalArgumentException if {@code length} is more than 8,160 bytes
   */
  public static byte[] expand(byte[] prk, byte[] info, int length) {
    if (length < 0 || length > MAX_OUTPUT) {
      throw new IllegalArgumentException("HKDF-SHA256 gives at most " + MAX_OUTPUT + " bytes");
    }
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(HKDFParameters.skipExtractParameters(prk, info));
    byte[] okm = new byte[length];
    generator.generateBytes(okm, 0, length);
    return okm;
  }
}
