package dev.lanchat.client.session;

import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Client message ids for SAY, DM and ME (protocol "Client → server"): a random start, then one
 * more per message, never 0. They live as long as the process, across reconnects, so a message
 * resent after a drop carries the id it was first sent with and the server drops the repeat.
 *
 * <p>Thread-safe.
 */
public final class MessageIds {
  private final AtomicLong next;

  /** Ids starting at a random non-zero value drawn from {@code random}. */
  public MessageIds(RandomGenerator random) {
    long start;
    do {
      start = random.nextLong();
    } while (start == 0);
    this.next = new AtomicLong(start);
  }

  /** The next id; never 0 (the u64 wraps around, skipping 0). */
  public long next() {
    long id;
    do {
      id = next.getAndIncrement();
    } while (id == 0);
    return id;
  }
}
