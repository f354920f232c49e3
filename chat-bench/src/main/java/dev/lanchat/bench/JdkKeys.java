package dev.lanchat.bench;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * Turns the raw 32-byte X25519 and Ed25519 keys chat-common works with into JDK key objects,
 * through the fixed DER prefixes of RFC 8410, so the JDK side signs and agrees with the very
 * same keys as the BouncyCastle side.
 */
final class JdkKeys {
  private static final byte[] X25519_PUBLIC_PREFIX = hex("302a300506032b656e032100");
  private static final byte[] X25519_PRIVATE_PREFIX = hex("302e020100300506032b656e04220420");
  private static final byte[] ED25519_PUBLIC_PREFIX = hex("302a300506032b6570032100");
  private static final byte[] ED25519_PRIVATE_PREFIX = hex("302e020100300506032b657004220420");

  private JdkKeys() {}

  static PrivateKey x25519Private(byte[] raw) throws GeneralSecurityException {
    return KeyFactory.getInstance("X25519")
        .generatePrivate(new PKCS8EncodedKeySpec(concat(X25519_PRIVATE_PREFIX, raw)));
  }

  static PublicKey x25519Public(byte[] raw) throws GeneralSecurityException {
    return KeyFactory.getInstance("X25519")
        .generatePublic(new X509EncodedKeySpec(concat(X25519_PUBLIC_PREFIX, raw)));
  }

  static PrivateKey ed25519Private(byte[] seed) throws GeneralSecurityException {
    return KeyFactory.getInstance("Ed25519")
        .generatePrivate(new PKCS8EncodedKeySpec(concat(ED25519_PRIVATE_PREFIX, seed)));
  }

  static PublicKey ed25519Public(byte[] raw) throws GeneralSecurityException {
    return KeyFactory.getInstance("Ed25519")
        .generatePublic(new X509EncodedKeySpec(concat(ED25519_PUBLIC_PREFIX, raw)));
  }

  private static byte[] concat(byte[] prefix, byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException("a raw 25519 key is 32 bytes");
    }
    byte[] out = new byte[prefix.length + raw.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(raw, 0, out, prefix.length, raw.length);
    return out;
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
