package dev.lanchat.common.frame;

import java.util.Arrays;

/**
 * Frames laid out back to back in one array, to leave in one {@code write} by {@link
 * FrameWriter#write}. Each payload is written in place by whoever makes it, so a sealed record
 * goes from the cipher straight into the bytes the socket sends, with no array of its own to
 * allocate, clear and copy (a join storm of 10,000 clients seals some 4.6 GB; issue 12).
 *
 * <p>Not thread-safe; one batch is filled by one thread and written once.
 */
public final class FrameBatch {
  /** Writes one frame's payload into {@code dest} from {@code offset}; returns how many bytes. */
  @FunctionalInterface
  public interface Payload<E extends Exception> {
    int writeTo(byte[] dest, int offset) throws E;
  }

  private byte[] bytes;
  private int size;

  /**
   * An empty batch with room for {@code capacity} bytes of frames (headers included); it grows
   * if more are added.
   */
  public FrameBatch(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("a capacity of " + capacity + " bytes");
    }
    this.bytes = new byte[capacity];
  }

  /** The bytes a frame with a payload of {@code length} takes, its header included. */
  public static int frameSize(int length) {
    return Frames.HEADER_SIZE + length;
  }

  /**
   * Appends a frame of {@code length} payload bytes, which {@code payload} writes in place.
   *
   * @throws IllegalArgumentException if {@code length} is outside 1..65,536
   * @throws IllegalStateException if {@code payload} wrote other than {@code length} bytes
   * @throws E if {@code payload} fails; the batch must then not be written
   */
  public <E extends Exception> void add(int length, Payload<E> payload) throws E {
    if (!Frames.isValidLength(length)) {
      throw new IllegalArgumentException(
          "frame payload of " + length + " bytes is outside 1.." + Frames.MAX_PAYLOAD);
    }
    int end = size + frameSize(length);
    if (end < 0) {
      throw new IllegalArgumentException("a batch this large does not fit in one write");
    }
    if (end > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(end, (int) Math.min(Integer.MAX_VALUE - 8,
          2L * bytes.length)));
    }
    bytes[size] = (byte) (length >>> 24);
    bytes[size + 1] = (byte) (length >>> 16);
    bytes[size + 2] = (byte) (length >>> 8);
    bytes[size + 3] = (byte) length;
    int written = payload.writeTo(bytes, size + Frames.HEADER_SIZE);
    if (written != length) {
      throw new IllegalStateException(
          "a frame of " + length + " bytes got a payload of " + written);
    }
    size = end;
  }

  /** Appends {@code payload} as one frame. */
  public void add(byte[] payload) {
    add(payload.length, (dest, offset) -> {
      System.arraycopy(payload, 0, dest, offset, payload.length);
      return payload.length;
    });
  }

  /** How many bytes of frames the batch holds. */
  public int size() {
    return size;
  }

  byte[] array() {
    return bytes;
  }
}
