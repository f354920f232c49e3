package dev.lanchat.common.pake;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.crypto.Bytes;

/**
 * The key confirmation, the same layout both ways: {@code mac: 32 bytes}, an HMAC-SHA256 that
 * only a peer who used the same code, in this very session, can compute.
 *
 * <p>Immutable; compared only in constant time, inside the exchange.
 */
public final class CodeConfirm {
  /** Bytes of the MAC. */
  public static final int SIZE = 32;

  private final byte[] mac;

  CodeConfirm(byte[] mac) {
    this.mac = mac.clone();
  }

  /**
   * Parses the body of a confirmation.
   *
   * @throws ProtocolException if it is not exactly 32 bytes
   */
  public static CodeConfirm parse(byte[] body) throws ProtocolException {
    PakeWire.Reader r = new PakeWire.Reader(body, "join code confirmation");
    CodeConfirm confirm = new CodeConfirm(r.fixed(SIZE, "mac"));
    r.expectEnd();
    return confirm;
  }

  /** The body: the 32-byte MAC. */
  public byte[] encode() {
    return mac.clone();
  }

  boolean matches(byte[] expected) {
    return Bytes.constantTimeEquals(mac, expected);
  }

  /** Equal when the bodies are byte for byte the same (each value has one encoding), compared in constant time. */
  @Override
  public boolean equals(Object o) {
    return o instanceof CodeConfirm other && Bytes.constantTimeEquals(mac, other.mac);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(encode());
  }
}
