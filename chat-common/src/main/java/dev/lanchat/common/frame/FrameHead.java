package dev.lanchat.common.frame;

/**
 * The start of a frame whose payload was read only up to a bound (protocol §1): its declared
 * length and its first {@code min(length, bound)} bytes. Handshake hellos are read this way, so
 * a peer that claims a large hello costs no more memory than a correct one.
 *
 * @param length the payload length the header declared, 1 to 65,536
 * @param bytes the payload if {@code length} was within the bound, else its first bytes; the
 *     array belongs to the caller
 */
public record FrameHead(int length, byte[] bytes) {
  /** True when {@link #bytes} is the whole payload. */
  public boolean complete() {
    return bytes.length == length;
  }
}
