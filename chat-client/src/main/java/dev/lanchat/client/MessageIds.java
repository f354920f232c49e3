package dev.lanchat.client;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client message ids for SAY, ME and DM (protocol §4.2): a random start, one more per message,
 * never 0, so the server can drop a copy it took before, for as long as this process runs.
 */
final class MessageIds {
  private final AtomicLong last = new AtomicLong(new SecureRandom().nextLong());

  /** The id of the next message. */
  long next() {
    long id = last.incrementAndGet();
    return id != 0 ? id : last.incrementAndGet();
  }
}
