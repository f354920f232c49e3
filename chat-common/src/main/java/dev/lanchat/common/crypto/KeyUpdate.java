package dev.lanchat.common.crypto;

import java.nio.charset.StandardCharsets;

/**
 * The key schedule of a key update (protocol "Key update"): each direction's next record key is
 * derived from its current one alone, so either side can move its own direction forward without
 * a round trip, as TLS 1.3's KeyUpdate does (RFC 8446 §7.2).
 */
public final class KeyUpdate {
  /** The HKDF info of every key update, in both directions. */
  public static final String LABEL = "lanchat v2 key update";

  private static final byte[] INFO = LABEL.getBytes(StandardCharsets.US_ASCII);

  private KeyUpdate() {}

  /**
   * {@code k' = HKDF-Expand(k, "lanchat v2 key update", 32)}, RFC 5869 §2.3 with the current
   * key as the PRK: {@code k} is itself the output of HKDF-Expand, so it is already the uniform
   * 32-byte key that Expand asks for, and no Extract step is needed.
   *
   * @throws IllegalArgumentException if {@code key} is not 32 bytes
   */
  public static byte[] nextKey(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("a record key is 32 bytes, not " + key.length);
    }
    return Hkdf.expand(key, INFO, 32);
  }
}
