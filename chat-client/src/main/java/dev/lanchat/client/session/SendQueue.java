package dev.lanchat.client.session;

import dev.lanchat.common.message.ClientMessage;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * What a {@link Session} sends, in order: a bounded queue that callers wait on when it is full,
 * emptied by one sender thread at the pace ({@link Pacer}) the server's limits allow. Kept apart
 * so the session reads as connection, join, receive and goodbye.
 */
final class SendQueue {
  private final BlockingQueue<ClientMessage> queue;
  private final BooleanSupplier over;
  private volatile Pacer pacer;

  /** @param over true once the session has ended: waits and the sender stop then */
  SendQueue(int capacity, BooleanSupplier over) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.over = over;
  }

  /** Queues {@code message} if there is room now; never waits. */
  boolean offer(ClientMessage message) {
    return queue.offer(message);
  }

  /** True when nothing waits to be sent. */
  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Queues {@code message}, waiting while the queue is full; false once the session is over. */
  boolean put(ClientMessage message) {
    try {
      while (!over.getAsBoolean()) {
        if (queue.offer(message, 100, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /** Starts pacing to {@code limits}, counting the {@code joinsSent} JOINs already sent. */
  void pace(SendLimits limits, int joinsSent) {
    long now = System.nanoTime();
    Pacer started = new Pacer(limits, now);
    for (int i = 0; i < joinsSent; i++) {
      started.reserve(now); // each JOIN took a token from the server's bucket
    }
    pacer = started;
  }

  /** How long, in nanoseconds, the pacing needs to send what is queued and one more. */
  long drainNanos() {
    return pacer.drainNanos(queue.size() + 1L);
  }

  /**
   * The sender thread: takes each queued message when the pacing allows and hands it to
   * {@code send}, until the session is over or {@code send} returns false.
   */
  void sendQueued(Predicate<ClientMessage> send) {
    try {
      while (!over.getAsBoolean()) {
        ClientMessage next = queue.poll(100, TimeUnit.MILLISECONDS);
        if (next == null) {
          continue;
        }
        long wait = pacer.reserve(System.nanoTime());
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        if (!send.test(next)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
