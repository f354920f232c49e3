package dev.lanchat.common.e2e;

import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.Hkdf;
import java.nio.charset.StandardCharsets;

/**
 * One member's sending chain in one room (Signal's sender keys): a chain key that moves forward
 * one step per message, giving each message its own key. Steps only go forward (HKDF cannot be
 * run backwards), so whoever is handed the chain at step {@code n} reads messages {@code n} and
 * later, never earlier ones.
 *
 * <pre>
 * message_key ‖ nonce = HKDF-Expand(chain_key_n, "lanchat v2 e2e message key", 44)   RFC 5869 §2.3
 * chain_key_(n+1)     = HKDF-Expand(chain_key_n, "lanchat v2 e2e chain key", 32)
 * </pre>
 *
 * <p>Not thread-safe. {@link #wipe} when done.
 */
final class SenderChain {
  /** Counters start at 1; a chain handed out never goes past this many steps. */
  static final long MAX_COUNTER = 0xFFFF_FFFFL;

  private static final byte[] MESSAGE_LABEL =
      "lanchat v2 e2e message key".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHAIN_LABEL =
      "lanchat v2 e2e chain key".getBytes(StandardCharsets.US_ASCII);

  private final long epoch;
  private long counter;
  private byte[] chainKey;

  /** The chain of {@code epoch} standing at {@code counter}; the key is copied. */
  SenderChain(long epoch, long counter, byte[] chainKey) {
    if (chainKey.length != 32 || counter < 1 || counter > MAX_COUNTER) {
      throw new IllegalArgumentException("a chain key is 32 bytes and counters are 1 to 2^32-1");
    }
    this.epoch = epoch;
    this.counter = counter;
    this.chainKey = chainKey.clone();
  }

  long epoch() {
    return epoch;
  }

  /** The counter of the next message key this chain gives. */
  long counter() {
    return counter;
  }

  /** A copy of the chain key at {@link #counter()}, to hand to a member; the caller wipes it. */
  byte[] chainKey() {
    return chainKey.clone();
  }

  /**
   * The key and nonce of message {@link #counter()} (44 bytes: key then nonce), moving the chain
   * one step on and wiping the old chain key. The caller wipes the result.
   *
   * @throws IllegalStateException when the chain is used up
   */
  byte[] next() {
    if (counter > MAX_COUNTER) {
      throw new IllegalStateException("this chain is used up: rotate");
    }
    byte[] keys = Hkdf.expand(chainKey, MESSAGE_LABEL, 44);
    byte[] following = Hkdf.expand(chainKey, CHAIN_LABEL, 32);
    Bytes.wipe(chainKey);
    chainKey = following;
    counter++;
    return keys;
  }

  /**
   * Moves on to {@code target} without using the keys in between (they belong to messages the
   * server dropped or never sent us), then gives that message's keys as {@link #next} does.
   */
  byte[] skipTo(long target) {
    while (counter < target) {
      Bytes.wipe(next());
    }
    return next();
  }

  void wipe() {
    Bytes.wipe(chainKey);
  }

  @Override
  public String toString() {
    return "SenderChain[epoch " + epoch + ", at " + counter + "]";
  }
}
