package dev.lanchat.common.e2e;

import dev.lanchat.common.bytes.ByteString;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last counter accepted from each sender, so that a replayed, reordered or dropped
 * end-to-end message is seen: counters start at 1 and an honest sender adds one per message.
 * Holds at most {@link #MAX_SENDERS} senders, forgetting the one heard from least recently (a
 * stranger could otherwise make us hold one entry per key it invents).
 *
 * <p>Not thread-safe.
 */
final class Counters {
  /** Most senders remembered. */
  static final int MAX_SENDERS = 10_000;

  private final Map<ByteString, Long> last = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteString, Long> eldest) {
      return size() > MAX_SENDERS;
    }
  };

  /**
   * Where {@code counter} from {@code sender} stands, without accepting it.
   *
   * @return empty for a replay or reordering (at or below the last accepted counter)
   */
  Optional<Continuity> check(ByteString sender, long counter) {
    long before = last.getOrDefault(sender, 0L);
    if (counter <= before) {
      return Optional.empty();
    }
    return Optional.of(counter == before + 1
        ? new Continuity.InOrder()
        : new Continuity.Skipped(counter - before - 1));
  }

  /** Accepts {@code counter}: call only once the message proved authentic. */
  void accept(ByteString sender, long counter) {
    last.put(sender, counter);
  }

  /** Every sender's last accepted counter, least recently heard first. */
  Map<ByteString, Long> snapshot() {
    return new LinkedHashMap<>(last);
  }

  /** Takes {@code saved} (a {@link #snapshot}) as the counters, replacing what was here. */
  void restore(Map<ByteString, Long> saved) {
    last.clear();
    saved.forEach((sender, counter) -> {
      if (counter < 0) {
        throw new IllegalArgumentException("a counter is never negative");
      }
      last.put(sender, counter);
    });
  }

  /** The last counter accepted from {@code sender}, 0 for none. */
  long last(ByteString sender) {
    return last.getOrDefault(sender, 0L);
  }
}
