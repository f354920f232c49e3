package dev.lanchat.common.frame;

import java.util.Objects;

/**
 * The start of a frame whose payload was read only up to a bound (protocol §1): its declared
 * length and its first {@code min(length, bound)} bytes. Handshake hellos are read this way, so
 * a peer that claims a large hello costs no more memory than a correct one.
 *
 * <p>A short-lived result, not a value: it has no {@code equals} of its own.
 */
public final class FrameHead {
  private final int length;
  private final byte[] bytes;

  FrameHead(int length, byte[] bytes) {
    this.length = length;
    this.bytes = Objects.requireNonNull(bytes, "bytes");
  }

  /** The payload length the header declared, 1 to 65,536. */
  public int length() {
    return length;
  }

  /**
   * The payload if {@link #length} was within the bound, else its first bytes. The array
   * belongs to the caller from here on.
   */
  public byte[] bytes() {
    return bytes;
  }

  /** True when {@link #bytes} is the whole payload. */
  public boolean complete() {
    return bytes.length == length;
  }
}
