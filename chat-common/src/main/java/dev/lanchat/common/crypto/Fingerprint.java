package dev.lanchat.common.crypto;

import dev.lanchat.common.bytes.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A server identity's fingerprint: {@code SHA256:} followed by unpadded standard base64 of
 * SHA-256 of the 32-byte raw public key (protocol §6.2), 50 characters in all.
 */
public final class Fingerprint {
  /** The prefix every fingerprint starts with. */
  public static final String PREFIX = "SHA256:";

  private Fingerprint() {}

  /** The fingerprint of a raw Ed25519 public key. */
  public static String of(byte[] publicKey) {
    return PREFIX + Base64.getEncoder().withoutPadding().encodeToString(sha256(publicKey));
  }

  /** The fingerprint of a raw Ed25519 public key. */
  public static String of(ByteString publicKey) {
    return of(publicKey.toByteArray());
  }

  /** True when {@code text} has the shape of a fingerprint ({@code SHA256:} + 43 base64 chars). */
  public static boolean isWellFormed(String text) {
    if (text == null || !text.startsWith(PREFIX) || text.length() != PREFIX.length() + 43) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(text.substring(PREFIX.length()) + "=").length == 32;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** True when {@code publicKey}'s fingerprint is {@code expected}, compared in constant time. */
  public static boolean matches(byte[] publicKey, String expected) {
    return Bytes.constantTimeEquals(
        of(publicKey).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }
}
