package dev.lanchat.common.bytes;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An immutable run of bytes with value semantics: a public key, a salt, a nonce, a signature or
 * a transcript hash. It copies on the way in and on the way out, so no holder can change what
 * another holder sees, and {@link #equals} takes time that depends only on the lengths.
 *
 * <p>Not for secrets that must be wiped: an immutable value cannot be overwritten.
 */
public final class ByteString {
  private final byte[] bytes;

  private ByteString(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A value holding a copy of {@code bytes}. */
  public static ByteString copyOf(byte[] bytes) {
    return new ByteString(bytes.clone());
  }

  /**
   * A value holding a copy of {@code length} bytes of {@code bytes} from {@code offset}.
   *
   * @throws IndexOutOfBoundsException if the range is not inside {@code bytes}
   */
  public static ByteString copyOf(byte[] bytes, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
    return new ByteString(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /**
   * A value holding a copy of {@code bytes}, which must be exactly {@code size} long.
   *
   * @param what names the value in the exception, e.g. {@code "Si"}
   * @throws IllegalArgumentException if the length is not {@code size}
   */
  public static ByteString copyOf(byte[] bytes, int size, String what) {
    if (bytes.length != size) {
      throw new IllegalArgumentException(what + " is " + size + " bytes, not " + bytes.length);
    }
    return copyOf(bytes);
  }

  /**
   * A value decoded from standard base64 (padded or not).
   *
   * @throws IllegalArgumentException if {@code text} is not base64
   */
  public static ByteString fromBase64(String text) {
    return new ByteString(Base64.getDecoder().decode(text));
  }

  /** Number of bytes. */
  public int size() {
    return bytes.length;
  }

  /** A fresh copy of the bytes; changing it changes nothing here. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** Copies the bytes into {@code target} at {@code offset}. */
  public void copyTo(byte[] target, int offset) {
    System.arraycopy(bytes, 0, target, offset, bytes.length);
  }

  /** Standard base64 with padding. */
  public String base64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Lower-case hex, for test output and vectors. */
  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  /** True when this holds exactly {@code other}, compared in constant time. */
  public boolean contentEquals(byte[] other) {
    return MessageDigest.isEqual(bytes, other);
  }

  @Override
  public boolean equals(Object o) {
    // constant time: values are compared against attacker-chosen ones (pins, signatures)
    return o instanceof ByteString other && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The size and hex of the bytes; never use this type for secrets, so this is safe to print. */
  @Override
  public String toString() {
    return "ByteString[" + hex() + "]";
  }
}
