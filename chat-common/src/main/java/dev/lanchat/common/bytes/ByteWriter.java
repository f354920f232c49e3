package dev.lanchat.common.bytes;

import java.util.Arrays;

/**
 * Builds a byte array from big-endian unsigned integers and runs of bytes, front to back. The
 * wire formats of frames, messages and discovery datagrams are all written with it.
 *
 * <p>A value out of its field's range is a caller's mistake ({@link IllegalArgumentException}),
 * never silently cut to fit.
 *
 * <p>Not thread-safe: one encoding, one writer.
 */
public final class ByteWriter {
  /** Largest value of a u32 field. */
  public static final long MAX_U32 = 0xFFFF_FFFFL;
  private byte[] buffer;
  private int size;

  /** A writer whose first {@code expectedSize} bytes need no reallocation. */
  public ByteWriter(int expectedSize) {
    buffer = new byte[Math.max(expectedSize, 0)];
  }

  /** One unsigned byte, 0 to 255. */
  public ByteWriter u8(int value) {
    if (value < 0 || value > 0xFF) {
      throw new IllegalArgumentException("a u8 is 0 to 255, not " + value);
    }
    room(1)[size++] = (byte) value;
    return this;
  }

  /** An unsigned 16-bit integer, 0 to 65,535. */
  public ByteWriter u16(int value) {
    if (value < 0 || value > 0xFFFF) {
      throw new IllegalArgumentException("a u16 is 0 to 65535, not " + value);
    }
    return big(value, 2);
  }

  /** An unsigned 32-bit integer, 0 to 2^32 - 1. */
  public ByteWriter u32(long value) {
    if (value < 0 || value > MAX_U32) {
      throw new IllegalArgumentException("a u32 is 0 to 4294967295, not " + value);
    }
    return big(value, 4);
  }

  /** A 64-bit integer, Java's signed long written bit for bit. */
  public ByteWriter u64(long value) {
    return big(value, 8);
  }

  /** The bytes of {@code value}, as they are. */
  public ByteWriter bytes(byte[] value) {
    System.arraycopy(value, 0, room(value.length), size, value.length);
    size += value.length;
    return this;
  }

  /** The bytes of {@code value}, as they are. */
  public ByteWriter bytes(ByteString value) {
    value.copyTo(room(value.size()), size);
    size += value.size();
    return this;
  }

  /** {@code n} zero bytes (padding). */
  public ByteWriter zeros(int n) {
    room(n);
    size += n; // a fresh or grown buffer is zero past size, and nothing is ever written back
    return this;
  }

  /** Bytes written so far. */
  public int size() {
    return size;
  }

  /** What was written, in an array no one else holds. */
  public byte[] toByteArray() {
    // a full buffer is handed out as it is: any later write grows into a new array first, so
    // the caller's array never changes, and a writer sized exactly (frames) costs no copy
    return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
  }

  private ByteWriter big(long value, int width) {
    byte[] b = room(width);
    for (int i = width - 1; i >= 0; i--) {
      b[size + i] = (byte) value;
      value >>>= 8;
    }
    size += width;
    return this;
  }

  private byte[] room(int n) {
    if (buffer.length - size < n) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + n));
    }
    return buffer;
  }
}
