package dev.lanchat.common.crypto;

import java.security.MessageDigest;
import java.util.Arrays;

/** Byte helpers for secrets: constant-time comparison, wiping, concatenation. */
public final class Bytes {
  private Bytes() {}

  /** Compares in time that depends only on the lengths, not on where the arrays differ. */
  public static boolean constantTimeEquals(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  /** Overwrites a secret with zeros; null is ignored. */
  public static void wipe(byte[] secret) {
    if (secret != null) {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** True when every byte is zero, checked in constant time. */
  public static boolean isAllZero(byte[] value) {
    int acc = 0;
    for (byte b : value) {
      acc |= b;
    }
    return acc == 0;
  }

  /** {@code a ‖ b ‖ …}. */
  public static byte[] concat(byte[]... parts) {
    int size = 0;
    for (byte[] part : parts) {
      size += part.length;
    }
    byte[] out = new byte[size];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
