package dev.lanchat.server.store;

import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.crypto.Fingerprint;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The 32-byte SHA-256 of a client's Ed25519 public key: what {@link Fingerprint} prints as
 * {@code SHA256:…}, kept as bytes. The allowlist stores this rather than the key, because an
 * admin types a fingerprint long before the key itself is ever proved to the server.
 *
 * <p>Immutable; {@link #equals} compares in constant time.
 */
public final class KeyFingerprint {
  /** Bytes in a SHA-256 digest. */
  public static final int SIZE = 32;

  private final byte[] digest;

  private KeyFingerprint(byte[] digest) {
    this.digest = digest;
  }

  /** The fingerprint of a 32-byte Ed25519 public key. */
  public static KeyFingerprint of(byte[] publicKey) {
    if (publicKey.length != Ed25519.KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
    }
    try {
      return new KeyFingerprint(MessageDigest.getInstance("SHA-256").digest(publicKey));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  /**
   * Parses {@code SHA256:} followed by 43 unpadded base64 characters, as the programs print it.
   *
   * @throws IllegalArgumentException if {@code text} does not have that shape
   */
  public static KeyFingerprint parse(String text) {
    if (!Fingerprint.isWellFormed(text)) {
      throw new IllegalArgumentException("a fingerprint is SHA256: followed by 43 base64 "
          + "characters, as chat-client --show-identity prints it");
    }
    byte[] digest = Base64.getDecoder().decode(text.substring(Fingerprint.PREFIX.length()) + "=");
    // a canonical encoding only: the last character may not carry stray low bits
    if (!encode(digest).equals(text)) {
      throw new IllegalArgumentException("that fingerprint is not in canonical base64");
    }
    return new KeyFingerprint(digest);
  }

  /** A fingerprint from its 32 stored bytes (copied). */
  public static KeyFingerprint fromBytes(byte[] digest) {
    if (digest.length != SIZE) {
      throw new IllegalArgumentException("a key fingerprint is 32 bytes, not " + digest.length);
    }
    return new KeyFingerprint(digest.clone());
  }

  /** The 32 bytes (a copy). */
  public byte[] bytes() {
    return digest.clone();
  }

  /** True when this is the fingerprint of {@code publicKey}. */
  public boolean matches(byte[] publicKey) {
    return equals(of(publicKey));
  }

  /** {@code SHA256:} and unpadded base64, as {@link Fingerprint#of} prints a key. */
  @Override
  public String toString() {
    return encode(digest);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KeyFingerprint that && Bytes.constantTimeEquals(digest, that.digest);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest);
  }

  private static String encode(byte[] digest) {
    return Fingerprint.PREFIX + Base64.getEncoder().withoutPadding().encodeToString(digest);
  }
}
