package dev.lanchat.common.bytes;

import java.util.Arrays;

/**
 * Reads big-endian unsigned integers and fixed runs of bytes from a byte array, front to back.
 * The wire formats of frames, messages and discovery datagrams are all read with it.
 *
 * <p>A read past the end is a caller's mistake ({@link IllegalStateException}): parsers of
 * untrusted input ask {@link #remaining()} first and refuse in their own words, before they
 * allocate anything a count in the input asks for.
 *
 * <p>Not thread-safe: one parse, one reader.
 */
public final class ByteReader {
  private final byte[] data;
  private final int start;
  private final int end;
  private int at;

  private ByteReader(byte[] data, int offset, int length) {
    this.data = data;
    this.start = offset;
    this.at = offset;
    this.end = offset + length;
  }

  /** A reader over all of {@code data}, which must not change while it is read. */
  public static ByteReader of(byte[] data) {
    return new ByteReader(data, 0, data.length);
  }

  /** A reader over {@code length} bytes of {@code data} from {@code offset}. */
  public static ByteReader of(byte[] data, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, data.length);
    return new ByteReader(data, offset, length);
  }

  /** Bytes not read yet. */
  public int remaining() {
    return end - at;
  }

  /** Bytes read so far. */
  public int position() {
    return at - start;
  }

  /** One unsigned byte. */
  public int u8() {
    take(1);
    return data[at - 1] & 0xFF;
  }

  /** An unsigned 16-bit integer. */
  public int u16() {
    take(2);
    return ((data[at - 2] & 0xFF) << 8) | (data[at - 1] & 0xFF);
  }

  /** An unsigned 32-bit integer. */
  public long u32() {
    take(4);
    long v = 0;
    for (int i = 4; i > 0; i--) {
      v = (v << 8) | (data[at - i] & 0xFF);
    }
    return v;
  }

  /** A 64-bit integer; the protocol's u64 values are read into Java's signed long bit for bit. */
  public long u64() {
    take(8);
    long v = 0;
    for (int i = 8; i > 0; i--) {
      v = (v << 8) | (data[at - i] & 0xFF);
    }
    return v;
  }

  /** Moves past the next {@code n} bytes without reading them. */
  public void skip(int n) {
    take(n);
  }

  /** The next {@code n} bytes, copied. */
  public byte[] bytes(int n) {
    take(n);
    return Arrays.copyOfRange(data, at - n, at);
  }

  /**
   * The next {@code n} bytes as {@code range} makes them into a value, read where they lie and
   * not copied first: a decoder of names or keys, one per entry of a long list.
   */
  public <T> T read(int n, Range<T> range) {
    take(n);
    return range.value(data, at - n, n);
  }

  /**
   * Makes a value of {@code length} bytes of {@code data} from {@code offset}; it may copy them
   * but must neither keep nor change {@code data}.
   */
  @FunctionalInterface
  public interface Range<T> {
    T value(byte[] data, int offset, int length);
  }

  private void take(int n) {
    if (n < 0 || remaining() < n) {
      throw new IllegalStateException(
          "reading " + n + " bytes with " + remaining() + " left: check remaining() first");
    }
    at += n;
  }
}
