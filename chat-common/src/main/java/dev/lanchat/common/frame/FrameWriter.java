package dev.lanchat.common.frame;

import dev.lanchat.common.bytes.ByteWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

/**
 * Writes length-prefixed frames (protocol §1). Several frames can go out in one {@code write},
 * which is how a busy connection gets past the per-write ceiling of a socket.
 *
 * <p>Not thread-safe: callers serialise writes to one stream.
 */
public final class FrameWriter {
  private final OutputStream out;

  public FrameWriter(OutputStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Writes one frame and flushes.
   *
   * @throws IllegalArgumentException if the payload is empty or longer than 65,536 bytes
   * @throws IOException if the stream fails
   */
  public void writeFrame(byte[] payload) throws IOException {
    writeFrames(List.of(payload));
  }

  /**
   * Writes every payload as its own frame, in order, with a single write and flush.
   *
   * @throws IllegalArgumentException if any payload is empty or longer than 65,536 bytes
   * @throws IOException if the stream fails
   */
  public void writeFrames(List<byte[]> payloads) throws IOException {
    int size = 0;
    for (byte[] payload : payloads) {
      if (!Frames.isValidLength(payload.length)) {
        throw new IllegalArgumentException(
            "frame payload of " + payload.length + " bytes is outside 1.." + Frames.MAX_PAYLOAD);
      }
      size += Frames.HEADER_SIZE + payload.length;
    }
    ByteWriter buffer = new ByteWriter(size);
    for (byte[] payload : payloads) {
      buffer.u32(payload.length).bytes(payload);
    }
    out.write(buffer.toByteArray());
    out.flush();
  }
}
