package dev.lanchat.common.pake;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * For tests only: a "random" source that hands out the given blocks in order, so an exchange
 * draws exactly the scalars the worked example names. Asking for a block of another size, or
 * for more blocks than given, fails the test instead of inventing bytes.
 */
final class FixedRandom extends SecureRandom {
  private static final long serialVersionUID = 1L;

  private final transient Deque<byte[]> blocks = new ArrayDeque<>();

  FixedRandom(byte[]... blocks) {
    for (byte[] block : blocks) {
      this.blocks.add(block.clone());
    }
  }

  @Override
  public void nextBytes(byte[] bytes) {
    byte[] next = blocks.poll();
    if (next == null || next.length != bytes.length) {
      throw new AssertionError("the exchange asked for " + bytes.length + " random bytes beyond "
          + "the fixed blocks");
    }
    System.arraycopy(next, 0, bytes, 0, bytes.length);
  }

  /** True when every block was used. */
  boolean exhausted() {
    return blocks.isEmpty();
  }
}
