package dev.lanchat.common.e2e;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * For tests only: a "random" source that hands out 32-byte blocks of the given byte values in
 * order, so the worked example draws exactly what the document names. Asking for another size,
 * or for more blocks than given, fails the test instead of inventing bytes.
 */
final class FixedBlocks extends SecureRandom {
  private static final long serialVersionUID = 1L;

  private final transient Deque<Integer> fills = new ArrayDeque<>();

  FixedBlocks(int... fills) {
    for (int fill : fills) {
      this.fills.add(fill);
    }
  }

  @Override
  public void nextBytes(byte[] bytes) {
    Integer fill = fills.poll();
    if (fill == null || bytes.length != 32) {
      throw new AssertionError("asked for " + bytes.length + " random bytes beyond the blocks");
    }
    Arrays.fill(bytes, fill.byteValue());
  }

  boolean exhausted() {
    return fills.isEmpty();
  }
}
