package dev.lanchat.common.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanchat.common.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The buffer under a server's frame reader is small while the peer is quiet, grows while reads
 * keep filling it, and never changes what is read.
 */
class ElasticInputStreamTest {
  /**
   * A socket stand-in: each {@code read} returns at most the next chunk "on the wire", the way a
   * socket returns what has arrived so far, and records how large an array it was asked to fill.
   */
  private static final class Arrivals extends InputStream {
    private final Deque<byte[]> chunks = new ArrayDeque<>();
    final List<Integer> asked = new ArrayList<>();

    Arrivals(List<byte[]> chunks) {
      this.chunks.addAll(chunks);
    }

    @Override
    public int read() {
      throw new AssertionError("the elastic stream reads in blocks");
    }

    @Override
    public int read(byte[] b, int off, int len) {
      asked.add(len);
      byte[] next = chunks.poll();
      if (next == null) {
        return -1;
      }
      int n = Math.min(len, next.length);
      System.arraycopy(next, 0, b, off, n);
      if (n < next.length) {
        chunks.push(Arrays.copyOfRange(next, n, next.length));
      }
      return n;
    }
  }

  private static byte[] frames(List<byte[]> payloads) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new FrameWriter(out).writeFrames(payloads);
    return out.toByteArray();
  }

  @Test
  void aQuietPeerCostsOnlyTheSmallBuffer() throws IOException {
    byte[] line = new byte[120];
    Arrivals wire = new Arrivals(List.of(frames(List.of(line)), frames(List.of(line))));
    FrameReader reader = new FrameReader(new ElasticInputStream(wire));
    reader.readFrame();
    reader.readFrame();
    // every wait for the next frame was a read into the small buffer
    assertEquals(List.of(ElasticInputStream.MIN_BUFFER, ElasticInputStream.MIN_BUFFER),
        wire.asked);
  }

  @Test
  void aBurstGrowsTheBufferAndTheWaitAfterItShrinksItBack() throws IOException {
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      payloads.add(new byte[100]);
    }
    byte[] burst = frames(payloads); // 20,800 bytes, all arrived at once
    ElasticInputStream in = new ElasticInputStream(
        new Arrivals(List.of(burst, frames(List.of(new byte[10])))));
    FrameReader reader = new FrameReader(in);
    int largest = 0;
    for (int i = 0; i < 200; i++) {
      reader.readFrame();
      largest = Math.max(largest, in.bufferSize());
    }
    assertEquals(16_384, largest, "doubled while full reads kept coming");
    reader.readFrame();
    assertEquals(ElasticInputStream.MIN_BUFFER, in.bufferSize(),
        "the read after the burst came back short: the small buffer waits");
  }

  @Test
  void aLargeFrameIsReadStraightIntoItsOwnArray() throws IOException {
    byte[] payload = new byte[40_000];
    new Random(7).nextBytes(payload);
    byte[] wire = frames(List.of(payload));
    Arrivals arrivals = new Arrivals(List.of(Arrays.copyOf(wire, 100),
        Arrays.copyOfRange(wire, 100, wire.length)));
    ElasticInputStream in = new ElasticInputStream(arrivals);
    assertArrayEquals(payload, new FrameReader(in).readFrame());
    // the small buffer took the header and the start, the rest went to the payload array
    assertEquals(List.of(ElasticInputStream.MIN_BUFFER, 40_000 - 96), arrivals.asked);
    assertEquals(0, in.bufferSize(), "no buffer is held while the rest is read");
  }

  @Test
  void everySplitOfTheWireGivesTheSameFrames() throws IOException {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int round = 0; round < 50; round++) {
      List<byte[]> payloads = new ArrayList<>();
      int count = 1 + random.nextInt(40);
      for (int i = 0; i < count; i++) {
        byte[] p = new byte[1 + random.nextInt(random.nextBoolean() ? 200 : 70_000 - 4)];
        if (p.length > Frames.MAX_PAYLOAD) {
          p = new byte[Frames.MAX_PAYLOAD];
        }
        random.nextBytes(p);
        payloads.add(p);
      }
      byte[] wire = frames(payloads);
      List<byte[]> chunks = new ArrayList<>();
      for (int at = 0; at < wire.length; ) {
        int n = Math.min(wire.length - at, 1 + random.nextInt(random.nextBoolean() ? 50 : 90_000));
        chunks.add(Arrays.copyOfRange(wire, at, at + n));
        at += n;
      }
      FrameReader reader = new FrameReader(new ElasticInputStream(new Arrivals(chunks)));
      for (byte[] p : payloads) {
        assertArrayEquals(p, reader.readFrame(), "seed " + seed + ", round " + round);
      }
      assertThrows(EOFException.class, reader::readFrame, "seed " + seed);
    }
  }

  @Test
  void aStreamEndingInsideAFrameIsStillTruncation() throws IOException {
    byte[] wire = frames(List.of(new byte[500]));
    FrameReader reader = new FrameReader(
        new ElasticInputStream(new Arrivals(List.of(Arrays.copyOf(wire, 300)))));
    assertThrows(ProtocolException.class, reader::readFrame);
  }
}
