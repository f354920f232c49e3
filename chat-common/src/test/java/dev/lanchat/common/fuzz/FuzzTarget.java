package dev.lanchat.common.fuzz;

import java.util.List;

/**
 * One parser that bytes from the network reach, with the valid inputs mutations start from. The
 * rule every target checks is the same: only the documented exceptions escape ({@link
 * #allowed}), never a {@code RuntimeException} or an {@code Error}, and no input makes it
 * allocate much beyond the frame cap.
 */
interface FuzzTarget {
  /** A short name; also the corpus folder under {@code src/test/resources/fuzz/}. */
  String name();

  /** Valid inputs, built deterministically (fixed keys), that mutations start from. */
  List<byte[]> seeds();

  /** Exception types the parser documents for bad input; empty when it must return normally. */
  List<Class<? extends Exception>> allowed();

  /**
   * Feeds {@code input} to the parser.
   *
   * @return a short description of the outcome (message types read, or how it ended), used to
   *     keep inputs that reach new behaviour
   * @throws Exception whatever the parser throws; the harness judges it against {@link #allowed}
   */
  String run(byte[] input) throws Exception;
}
