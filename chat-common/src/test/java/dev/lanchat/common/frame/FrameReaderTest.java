package dev.lanchat.common.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Frames of protocol §1: {@code u32 length ‖ payload}, 1 ≤ length ≤ 65,536. */
class FrameReaderTest {
  /**
   * A stream that claims an endless supply of bytes after the header and counts how many were
   * taken, so a reader that trusted a huge length would be caught reading past the header.
   */
  private static final class CountingStream extends InputStream {
    private final byte[] header;
    private long taken;

    CountingStream(byte[] header) {
      this.header = header;
    }

    @Override
    public int read() {
      return taken < header.length ? header[(int) taken++] & 0xFF : (int) (taken++ & 0x7F);
    }

    @Override
    public int read(byte[] b, int off, int len) {
      for (int i = 0; i < len; i++) {
        b[off + i] = (byte) read();
      }
      return len;
    }
  }

  private static byte[] header(long length) {
    return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
        (byte) length};
  }

  private static byte[] frame(byte[] payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new FrameWriter(out).writeFrame(payload);
    return out.toByteArray();
  }

  @ParameterizedTest(name = "frame length {0} is rejected after the 4 header bytes")
  @ValueSource(longs = {0L, 65_537L, 0x7FFF_FFFFL, 0xFFFF_FFFFL, 0x8000_0000L, 0x0001_0001L})
  void frameLengthOutOfRangeIsRejectedBeforeReadingOrAllocatingThePayload(long length)
      throws Exception {
    // warm up once so class loading is not counted as this call's allocation
    allocatedBytes();
    assertThrows(ProtocolException.class,
        () -> new FrameReader(new CountingStream(header(length))).readFrame());
    CountingStream in = new CountingStream(header(length));
    FrameReader reader = new FrameReader(in);
    ProtocolException e = null;
    long before = allocatedBytes();
    try {
      reader.readFrame();
    } catch (ProtocolException caught) {
      e = caught;
    }
    long allocated = allocatedBytes() - before;
    assertNotNull(e, "a frame of length " + length + " was accepted");
    assertEquals(Reason.FRAME_LENGTH, e.reason());
    assertEquals(4, in.taken, "the reader took only the header");
    assertTrue(e.getMessage().contains(Long.toString(length)), e.getMessage());
    if (before >= 0) {
      // a payload buffer would be at least 65,537 bytes; the exception itself is far smaller
      assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes while refusing");
    }
  }

  @Test
  void readHeadTakesAtMostItsBoundAndReportsTheDeclaredLength() throws Exception {
    CountingStream in = new CountingStream(header(Frames.MAX_PAYLOAD));
    allocatedBytes();
    long before = allocatedBytes();
    FrameHead head = new FrameReader(in).readHead(40);
    long allocated = allocatedBytes() - before;
    assertEquals(Frames.MAX_PAYLOAD, head.length());
    assertEquals(40, head.bytes().length);
    assertEquals(false, head.complete());
    assertEquals(4 + 40, in.taken, "the reader took the header and 40 bytes, no more");
    if (before >= 0) {
      assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes for a 40-byte head");
    }
  }

  @Test
  void aSmallFrameCostsABufferOfItsOwnSizeNotOfTheLargestFrame() throws Exception {
    byte[] wire = frame(new byte[] {7});
    new FrameReader(new ByteArrayInputStream(wire)).readFrame(); // warm up
    FrameReader reader = new FrameReader(new ByteArrayInputStream(wire));
    long before = allocatedBytes();
    byte[] payload = reader.readFrame();
    long allocated = allocatedBytes() - before;
    assertArrayEquals(new byte[] {7}, payload);
    if (before >= 0) {
      assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes for a 1-byte frame");
    }
  }

  @Test
  void readHeadOfAFrameWithinItsBoundIsTheWholeFrame() throws Exception {
    byte[] payload = {1, 2, 3};
    FrameHead head = new FrameReader(new ByteArrayInputStream(frame(payload))).readHead(40);
    assertEquals(3, head.length());
    assertArrayEquals(payload, head.bytes());
    assertTrue(head.complete());
  }

  @Test
  void readHeadRefusesAnOutOfRangeLengthLikeReadFrame() {
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> new FrameReader(new CountingStream(header(65_537))).readHead(40));
    assertEquals(Reason.FRAME_LENGTH, e.reason());
  }

  /** Bytes this thread allocated so far, or -1 where the JVM cannot tell. */
  private static long allocatedBytes() {
    if (java.lang.management.ManagementFactory.getThreadMXBean()
        instanceof com.sun.management.ThreadMXBean bean && bean.isThreadAllocatedMemoryEnabled()) {
      return bean.getCurrentThreadAllocatedBytes();
    }
    return -1;
  }

  @Test
  void frameLengthZeroIsRejected() throws Exception {
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> new FrameReader(new ByteArrayInputStream(header(0))).readFrame());
    assertEquals(Reason.FRAME_LENGTH, e.reason());
  }

  @Test
  void smallestAndLargestFramesAreRead() throws Exception {
    byte[] one = {42};
    byte[] max = new byte[Frames.MAX_PAYLOAD];
    new Random(1).nextBytes(max);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new FrameWriter(out).writeFrames(List.of(one, max, one));
    FrameReader reader = new FrameReader(new ByteArrayInputStream(out.toByteArray()));
    assertArrayEquals(one, reader.readFrame());
    assertArrayEquals(max, reader.readFrame());
    assertArrayEquals(one, reader.readFrame());
    assertThrows(EOFException.class, reader::readFrame);
  }

  @Test
  void frameWriterRefusesEmptyAndOversizedPayloads() {
    FrameWriter writer = new FrameWriter(new ByteArrayOutputStream());
    assertThrows(IllegalArgumentException.class, () -> writer.writeFrame(new byte[0]));
    assertThrows(IllegalArgumentException.class,
        () -> writer.writeFrame(new byte[Frames.MAX_PAYLOAD + 1]));
  }

  @Test
  void cleanEndOfStreamAtAFrameBoundaryIsEof() throws Exception {
    FrameReader empty = new FrameReader(new ByteArrayInputStream(new byte[0]));
    EOFException e = assertThrows(EOFException.class, empty::readFrame);
    assertEquals(EOFException.class, e.getClass());

    FrameReader afterOne = new FrameReader(new ByteArrayInputStream(frame(new byte[] {1, 2})));
    assertArrayEquals(new byte[] {1, 2}, afterOne.readFrame());
    assertThrows(EOFException.class, afterOne::readFrame);
  }

  @Test
  void streamEndingInsideTheHeaderIsTruncated() throws Exception {
    byte[] whole = frame(new byte[] {1, 2, 3});
    for (int cut = 1; cut < Frames.HEADER_SIZE; cut++) {
      FrameReader reader = new FrameReader(new ByteArrayInputStream(Arrays.copyOf(whole, cut)));
      assertEquals(Reason.TRUNCATED,
          assertThrows(ProtocolException.class, reader::readFrame).reason(), "cut at " + cut);
    }
  }

  @Test
  void streamEndingInsideThePayloadIsTruncated() throws Exception {
    byte[] whole = frame(new byte[] {1, 2, 3});
    for (int cut = Frames.HEADER_SIZE; cut < whole.length; cut++) {
      FrameReader reader = new FrameReader(new ByteArrayInputStream(Arrays.copyOf(whole, cut)));
      assertEquals(Reason.TRUNCATED,
          assertThrows(ProtocolException.class, reader::readFrame).reason(), "cut at " + cut);
    }
  }

  @Test
  void payloadArrivingOneByteAtATimeIsReassembled() throws Exception {
    byte[] payload = new byte[300];
    new Random(2).nextBytes(payload);
    byte[] whole = frame(payload);
    InputStream trickle = new InputStream() {
      private int at;

      @Override
      public int read() {
        return at < whole.length ? whole[at++] & 0xFF : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (at >= whole.length) {
          return -1;
        }
        b[off] = whole[at++];
        return 1;
      }
    };
    assertArrayEquals(payload, new FrameReader(trickle).readFrame());
  }

  @Test
  void randomBytesOnlyEverRaiseProtocolExceptionOrEof() throws Exception {
    long seed = 0x5EED_F4A3L;
    System.out.println("FrameReaderTest random seed " + seed);
    Random random = new Random(seed);
    int frames = 0;
    for (int i = 0; i < 5_000; i++) {
      byte[] bytes = new byte[random.nextInt(24)];
      random.nextBytes(bytes);
      if (bytes.length >= 4 && random.nextBoolean()) {
        // a plausible small length, so some inputs get past the header check
        bytes[0] = 0;
        bytes[1] = 0;
        bytes[2] = 0;
        bytes[3] = (byte) random.nextInt(24);
      }
      FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes));
      try {
        for (int n = 0; n < 10; n++) {
          reader.readFrame();
          frames++;
        }
        fail("10 frames out of " + bytes.length + " bytes");
      } catch (ProtocolException | EOFException expected) {
        // the only two ways a bad stream may end
      } catch (Exception other) {
        throw new AssertionError("seed " + seed + ", input " + Arrays.toString(bytes), other);
      }
    }
    assertTrue(frames > 0, "the inputs should sometimes hold whole frames");
  }
}
