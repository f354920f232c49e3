package dev.lanchat.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Insertion-ordered maps and sets that forget their oldest entry once they would hold more than
 * a cap: what a stranger can make the client remember (echoes awaited, keys fetched, lines sent)
 * stays bounded without each holder writing its own eviction.
 */
final class Capped {
  private Capped() {}

  /** A map of at most {@code cap} entries, oldest forgotten first. */
  static <K, V> Map<K, V> map(int cap) {
    return new LinkedHashMap<>() {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > cap;
      }
    };
  }

  /** A set of at most {@code cap} elements, oldest forgotten first. */
  static <E> Set<E> set(int cap) {
    return Collections.newSetFromMap(map(cap));
  }
}
