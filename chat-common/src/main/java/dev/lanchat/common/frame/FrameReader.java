package dev.lanchat.common.frame;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Reads length-prefixed frames (protocol §1) from a stream, checking the length before it
 * allocates or reads the payload.
 *
 * <p>Not thread-safe: one reader thread per stream.
 */
public final class FrameReader {
  private final InputStream in;
  private final byte[] header = new byte[Frames.HEADER_SIZE];

  public FrameReader(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  /**
   * Reads the next frame's payload.
   *
   * @return the payload, 1 to 65,536 bytes
   * @throws EOFException if the stream ended cleanly before the first byte of a frame
   * @throws ProtocolException if the length is out of range, or the stream ended inside a frame
   * @throws IOException if the stream fails
   */
  public byte[] readFrame() throws IOException {
    int got = readFully(header, 0);
    if (got == 0) {
      throw new EOFException("the peer closed the connection");
    }
    if (got < header.length) {
      throw new ProtocolException(Reason.TRUNCATED, "the stream ended inside a frame header");
    }
    long length = ((header[0] & 0xFFL) << 24) | ((header[1] & 0xFF) << 16)
        | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
    if (!Frames.isValidLength(length)) {
      throw new ProtocolException(Reason.FRAME_LENGTH,
          "frame length " + length + " is outside 1.." + Frames.MAX_PAYLOAD);
    }
    byte[] payload = new byte[(int) length];
    if (readFully(payload, 0) < payload.length) {
      throw new ProtocolException(Reason.TRUNCATED, "the stream ended inside a frame payload");
    }
    return payload;
  }

  private int readFully(byte[] buffer, int offset) throws IOException {
    int total = offset;
    while (total < buffer.length) {
      int n = in.read(buffer, total, buffer.length - total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }
}
