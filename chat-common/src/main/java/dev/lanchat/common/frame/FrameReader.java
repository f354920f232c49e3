package dev.lanchat.common.frame;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.bytes.ByteReader;
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
   * Reads the next frame's payload into a buffer of exactly its size.
   *
   * @return the payload, 1 to 65,536 bytes
   * @throws EOFException if the stream ended cleanly before the first byte of a frame
   * @throws ProtocolException if the length is out of range, or the stream ended inside a frame
   * @throws IOException if the stream fails
   */
  public byte[] readFrame() throws IOException {
    int length = readLength();
    return readPayload(length);
  }

  /**
   * Reads the next frame's header and at most {@code maxBytes} of its payload. When the frame
   * is longer, the rest stays unread and the stream is left inside the frame: only closing it
   * makes sense then. Nothing larger than {@code maxBytes} is allocated, whatever the header
   * claims.
   *
   * @throws EOFException if the stream ended cleanly before the first byte of a frame
   * @throws ProtocolException if the length is out of range, or the stream ended inside the part
   *     being read
   * @throws IOException if the stream fails
   */
  public FrameHead readHead(int maxBytes) throws IOException {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive, not " + maxBytes);
    }
    int length = readLength();
    return new FrameHead(length, readPayload(Math.min(length, maxBytes)));
  }

  private int readLength() throws IOException {
    int got = readFully(header);
    if (got == 0) {
      throw new EOFException("the peer closed the connection");
    }
    if (got < header.length) {
      throw new ProtocolException(Reason.TRUNCATED, "the stream ended inside a frame header");
    }
    long length = ByteReader.of(header).u32();
    if (!Frames.isValidLength(length)) {
      throw new ProtocolException(Reason.FRAME_LENGTH,
          "frame length " + length + " is outside 1.." + Frames.MAX_PAYLOAD);
    }
    return (int) length;
  }

  private byte[] readPayload(int size) throws IOException {
    byte[] payload = new byte[size];
    if (readFully(payload) < payload.length) {
      throw new ProtocolException(Reason.TRUNCATED, "the stream ended inside a frame payload");
    }
    return payload;
  }

  private int readFully(byte[] buffer) throws IOException {
    int total = 0;
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
