package dev.lanchat.server;

import dev.lanchat.common.crypto.CipherState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Splits the entries of a paged answer (ROSTER, E2E_KEYS) over as many records as one record's
 * plaintext and a u16 count allow, in order; always at least one page, perhaps empty.
 */
final class RecordPages {
  private RecordPages() {}

  /**
   * {@code items} in pages whose {@code head} bytes plus each item's {@code size} fit one record.
   */
  static <T> List<List<T>> split(List<T> items, int head, ToIntFunction<T> size) {
    List<List<T>> pages = new ArrayList<>();
    List<T> page = new ArrayList<>();
    int used = head;
    for (T item : items) {
      int next = size.applyAsInt(item);
      if (!page.isEmpty() && (used + next > CipherState.MAX_PLAINTEXT || page.size() == 0xFFFF)) {
        pages.add(page);
        page = new ArrayList<>();
        used = head;
      }
      page.add(item);
      used += next;
    }
    pages.add(page);
    return pages;
  }
}
