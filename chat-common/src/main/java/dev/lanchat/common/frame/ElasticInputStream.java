package dev.lanchat.common.frame;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A buffered stream whose buffer follows what arrives: small while the peer is quiet, doubled
 * (up to {@link #MAX_BUFFER}) while reads keep filling it, and back to small after a read that
 * found the socket drained. A server holds one per connection, and nearly all of them sit idle
 * in a blocking read; with a fixed buffer each idle connection would hold the buffer a busy one
 * needs.
 *
 * <p>A read of at least the buffer's size with nothing buffered goes straight into the caller's
 * array, so a large frame costs its own payload array and no more. The buffer changes size only
 * when it is empty, so nothing is ever copied from one buffer to another.
 *
 * <p>Not thread-safe: one reader thread per stream.
 */
public final class ElasticInputStream extends InputStream {
  /** The buffer while the peer is quiet: a chat line's record fits, header included. */
  public static final int MIN_BUFFER = 256;
  /** The largest the buffer grows: a whole frame of the largest size, header included. */
  public static final int MAX_BUFFER = Frames.HEADER_SIZE + Frames.MAX_PAYLOAD;

  private static final byte[] NONE = new byte[0];

  private final InputStream in;
  private byte[] buffer = NONE;
  private int position;
  private int limit;
  // the size of the buffer for the next fill, decided by how full the last fill came back
  private int nextSize = MIN_BUFFER;

  public ElasticInputStream(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  /** The size of the buffer now (0 before the first read), for tests and measurements. */
  public int bufferSize() {
    return buffer.length;
  }

  @Override
  public int read() throws IOException {
    if (position == limit && fill() <= 0) {
      return -1;
    }
    return buffer[position++] & 0xFF;
  }

  @Override
  public int read(byte[] destination, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, destination.length);
    if (length == 0) {
      return 0;
    }
    if (position == limit) {
      if (length >= nextSize) {
        // the caller's array is at least as large as the buffer would be: no copy, and no
        // buffer held while this read waits
        buffer = NONE;
        return in.read(destination, offset, length);
      }
      if (fill() <= 0) {
        return -1;
      }
    }
    int n = Math.min(length, limit - position);
    System.arraycopy(buffer, position, destination, offset, n);
    position += n;
    return n;
  }

  @Override
  public int available() throws IOException {
    return limit - position + in.available();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /**
   * Reads into an empty buffer of the size the last fill asked for; returns what the read
   * returned. A full read means more is probably waiting, so the next buffer doubles; a read
   * that came back with room to spare found the socket drained, so the next buffer, which will
   * most likely wait, is the small one.
   */
  private int fill() throws IOException {
    if (buffer.length != nextSize) {
      buffer = new byte[nextSize];
    }
    position = 0;
    limit = 0;
    int n = in.read(buffer, 0, buffer.length);
    if (n > 0) {
      limit = n;
      nextSize = n == buffer.length ? Math.min(buffer.length * 2, MAX_BUFFER) : MIN_BUFFER;
    }
    return n;
  }
}
