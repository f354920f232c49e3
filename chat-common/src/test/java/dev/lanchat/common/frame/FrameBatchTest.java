package dev.lanchat.common.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Frames laid out in one array and written in place (protocol §1). */
class FrameBatchTest {
  private static byte[] filled(int length, int value) {
    byte[] payload = new byte[length];
    Arrays.fill(payload, (byte) value);
    return payload;
  }

  @Test
  void framesWrittenInPlaceAndCopiedInReadBackInOrderFromOneWrite() throws Exception {
    FrameBatch batch = new FrameBatch(0); // grows for each frame
    batch.add(filled(1, 1));
    batch.add(Frames.MAX_PAYLOAD, (dest, offset) -> {
      Arrays.fill(dest, offset, offset + Frames.MAX_PAYLOAD, (byte) 2);
      return Frames.MAX_PAYLOAD;
    });
    batch.add(filled(300, 3));
    assertEquals(3 * Frames.HEADER_SIZE + 1 + Frames.MAX_PAYLOAD + 300, batch.size());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new FrameWriter(out).write(batch);
    assertEquals(batch.size(), out.size(), "the capacity left over is not written");
    FrameReader reader = new FrameReader(new ByteArrayInputStream(out.toByteArray()));
    assertArrayEquals(filled(1, 1), reader.readFrame());
    assertArrayEquals(filled(Frames.MAX_PAYLOAD, 2), reader.readFrame());
    assertArrayEquals(filled(300, 3), reader.readFrame());
    assertThrows(EOFException.class, reader::readFrame);
  }

  @Test
  void aPayloadThatWritesOtherThanItsLengthIsRefused() {
    FrameBatch batch = new FrameBatch(64);
    assertThrows(IllegalStateException.class, () -> batch.add(10, (dest, offset) -> 9));
    assertEquals(0, batch.size());
  }

  @Test
  void emptyAndOversizedFramesAreRefusedBeforeTheirPayloadIsAsked() {
    FrameBatch batch = new FrameBatch(64);
    FrameBatch.Payload<RuntimeException> never = (dest, offset) -> {
      throw new AssertionError("asked for the payload of a frame of a bad length");
    };
    assertThrows(IllegalArgumentException.class, () -> batch.add(0, never));
    assertThrows(IllegalArgumentException.class, () -> batch.add(Frames.MAX_PAYLOAD + 1, never));
    assertEquals(0, batch.size());
  }
}
