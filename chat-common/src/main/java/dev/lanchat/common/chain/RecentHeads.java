package dev.lanchat.common.chain;

import dev.lanchat.common.bytes.ByteString;
import java.util.Arrays;
import java.util.Optional;

/**
 * The heads of a room's most recent event ids, at most a fixed number: a signed head is
 * compared with this client's head at the signer's id, and a signer is rarely more than a
 * minute behind. Ids are put in strictly increasing order; the oldest is forgotten first.
 *
 * <p>Storage grows by doubling up to the cap, so a quiet room costs little. Not thread-safe:
 * {@link RoomChain} holds its lock around every call.
 */
final class RecentHeads {
  private static final int FIRST_CAPACITY = 16;

  private final int cap;
  private long[] ids;
  private byte[] heads;
  private int start;
  private int size;

  RecentHeads(int cap) {
    if (cap < 1) {
      throw new IllegalArgumentException("keep at least one head");
    }
    this.cap = cap;
    this.ids = new long[Math.min(cap, FIRST_CAPACITY)];
    this.heads = new byte[ids.length * ChainHash.SIZE];
  }

  /** Remembers {@code head} for {@code id}, which must be above every id put so far. */
  void put(long id, ByteString head) {
    if (size > 0 && id <= idAt(size - 1)) {
      throw new IllegalArgumentException("ids are put in increasing order");
    }
    if (size == ids.length && ids.length < cap) {
      grow();
    }
    int slot;
    if (size == ids.length) {
      slot = start; // full at the cap: overwrite the oldest
      start = (start + 1) % ids.length;
    } else {
      slot = (start + size) % ids.length;
      size++;
    }
    ids[slot] = id;
    head.copyTo(heads, slot * ChainHash.SIZE);
  }

  /** The head remembered for {@code id}, or empty when it was never put or is forgotten. */
  Optional<ByteString> get(long id) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long at = idAt(mid);
      if (at == id) {
        int slot = (start + mid) % ids.length;
        int from = slot * ChainHash.SIZE;
        return Optional.of(ByteString.copyOf(
            Arrays.copyOfRange(heads, from, from + ChainHash.SIZE)));
      } else if (at < id) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return Optional.empty();
  }

  /** The oldest id still remembered, or empty when none is. */
  Optional<Long> oldest() {
    return size == 0 ? Optional.empty() : Optional.of(idAt(0));
  }

  private long idAt(int index) {
    return ids[(start + index) % ids.length];
  }

  private void grow() {
    int capacity = (int) Math.min((long) ids.length * 2, cap);
    long[] newIds = new long[capacity];
    byte[] newHeads = new byte[capacity * ChainHash.SIZE];
    for (int i = 0; i < size; i++) {
      int slot = (start + i) % ids.length;
      newIds[i] = ids[slot];
      System.arraycopy(heads, slot * ChainHash.SIZE, newHeads, i * ChainHash.SIZE,
          ChainHash.SIZE);
    }
    ids = newIds;
    heads = newHeads;
    start = 0;
  }
}
