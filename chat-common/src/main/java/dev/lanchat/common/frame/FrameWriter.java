package dev.lanchat.common.frame;

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
    long size = 0;
    for (byte[] payload : payloads) {
      size += FrameBatch.frameSize(payload.length);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a batch of " + size + " bytes is too large for one write");
    }
    // one array of exactly the batch's size, written once: no growing buffer, no copy of it
    FrameBatch batch = new FrameBatch((int) size);
    for (byte[] payload : payloads) {
      batch.add(payload);
    }
    write(batch);
  }

  /**
   * Writes every frame of {@code batch} with a single write and flush.
   *
   * @throws IOException if the stream fails
   */
  public void write(FrameBatch batch) throws IOException {
    out.write(batch.array(), 0, batch.size());
    out.flush();
  }
}
