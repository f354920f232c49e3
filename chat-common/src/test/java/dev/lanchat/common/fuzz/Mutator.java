package dev.lanchat.common.fuzz;

import dev.lanchat.common.frame.Frames;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Derives hostile inputs from valid ones: bit flips, edge-value bytes, truncation, 16- and 32-bit
 * length fields set to edge values, inserted, deleted and duplicated ranges, and splices with
 * another input. Deterministic for a given {@link Random}, so a seed reproduces a run.
 */
final class Mutator {
  /** Inputs never grow past this: three maximal frames are enough to cross every cap. */
  static final int MAX_INPUT = 3 * (Frames.HEADER_SIZE + Frames.MAX_PAYLOAD);

  private static final int[] EDGE_BYTES = {0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF};
  private static final long[] EDGE_U32 = {0, 1, 2, 0xFF, 0xFFFF, Frames.MAX_PAYLOAD - 1L,
      Frames.MAX_PAYLOAD, Frames.MAX_PAYLOAD + 1L, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL};
  private static final int[] EDGE_U16 = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF};

  private final Random random;

  Mutator(Random random) {
    this.random = random;
  }

  /** One to four stacked mutations of {@code input}; {@code others} feed splices. */
  byte[] mutate(byte[] input, List<byte[]> others) {
    byte[] out = input;
    int rounds = 1 + random.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      out = once(out, others);
    }
    return out.length > MAX_INPUT ? Arrays.copyOf(out, MAX_INPUT) : out;
  }

  private byte[] once(byte[] in, List<byte[]> others) {
    if (in.length == 0) {
      return randomBytes(1 + random.nextInt(64));
    }
    return switch (random.nextInt(10)) {
      case 0 -> flipBit(in);
      case 1 -> setByte(in);
      case 2 -> Arrays.copyOf(in, random.nextInt(in.length));
      case 3 -> setU32(in);
      case 4 -> setU16(in);
      case 5 -> insert(in, randomBytes(1 + random.nextInt(32)));
      case 6 -> delete(in);
      case 7 -> duplicate(in);
      case 8 -> splice(in, others.get(random.nextInt(others.size())));
      default -> flipBit(flipBit(in));
    };
  }

  private byte[] flipBit(byte[] in) {
    byte[] out = in.clone();
    int bit = random.nextInt(out.length * 8);
    out[bit / 8] ^= (byte) (1 << (bit % 8));
    return out;
  }

  private byte[] setByte(byte[] in) {
    byte[] out = in.clone();
    out[random.nextInt(out.length)] = (byte) EDGE_BYTES[random.nextInt(EDGE_BYTES.length)];
    return out;
  }

  /** Most length fields sit at the start of a frame, so the offset favours 0 and frame starts. */
  private byte[] setU32(byte[] in) {
    if (in.length < 4) {
      return in;
    }
    byte[] out = in.clone();
    int at = random.nextBoolean() ? 0 : random.nextInt(out.length - 3);
    long v = EDGE_U32[random.nextInt(EDGE_U32.length)];
    out[at] = (byte) (v >>> 24);
    out[at + 1] = (byte) (v >>> 16);
    out[at + 2] = (byte) (v >>> 8);
    out[at + 3] = (byte) v;
    return out;
  }

  private byte[] setU16(byte[] in) {
    if (in.length < 2) {
      return in;
    }
    byte[] out = in.clone();
    int at = random.nextInt(out.length - 1);
    int v = EDGE_U16[random.nextInt(EDGE_U16.length)];
    out[at] = (byte) (v >>> 8);
    out[at + 1] = (byte) v;
    return out;
  }

  private byte[] insert(byte[] in, byte[] piece) {
    int at = random.nextInt(in.length + 1);
    byte[] out = new byte[in.length + piece.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(piece, 0, out, at, piece.length);
    System.arraycopy(in, at, out, at + piece.length, in.length - at);
    return out;
  }

  private byte[] delete(byte[] in) {
    int from = random.nextInt(in.length);
    int to = from + 1 + random.nextInt(Math.min(64, in.length - from));
    byte[] out = new byte[in.length - (to - from)];
    System.arraycopy(in, 0, out, 0, from);
    System.arraycopy(in, to, out, from, in.length - to);
    return out;
  }

  private byte[] duplicate(byte[] in) {
    int from = random.nextInt(in.length);
    int to = from + 1 + random.nextInt(in.length - from);
    return insert(in, Arrays.copyOfRange(in, from, to));
  }

  private byte[] splice(byte[] in, byte[] other) {
    int cut = random.nextInt(in.length + 1);
    int otherCut = other.length == 0 ? 0 : random.nextInt(other.length);
    byte[] out = Arrays.copyOf(in, cut + other.length - otherCut);
    System.arraycopy(other, otherCut, out, cut, other.length - otherCut);
    return out;
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
