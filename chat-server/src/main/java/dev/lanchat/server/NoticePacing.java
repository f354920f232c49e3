package dev.lanchat.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * When a room's coalesced membership notices may go out (protocol §5.8): at most one flush per
 * window, the first change after a quiet window at once, later ones on a timer. The window is
 * {@link #window()}, or longer in a large room ({@link #windowNanos(int)}).
 *
 * <p>Implementations are thread-safe; tests use one with a hand-turned clock.
 */
interface NoticePacing {
  /** Protocol §5.8: a room sends membership notices at most this often. */
  Duration DEFAULT_WINDOW = Duration.ofMillis(100);

  /**
   * Protocol §5.8: how much a room's window grows per member. A flush costs every member one
   * record (an offer, a seal, a write; about 10 to 20 µs of server CPU each, and as much again
   * in each client), so a window of 100 µs per member keeps flushing under a fifth of a core
   * however large the room, where a fixed 100 ms let a join storm into 10,000 members spend
   * whole cores on records of a few changes each.
   */
  Duration WINDOW_PER_MEMBER = Duration.ofNanos(100_000);

  /** Protocol §5.8: the longest a window grows to (reached at 10,000 members). */
  Duration LONGEST_WINDOW = Duration.ofSeconds(1);

  /** Shortest time between two flushes; zero sends every change on its own, at once. */
  Duration window();

  /**
   * The window of a room of {@code members} members, in nanoseconds: {@link #window()}, or
   * {@link #WINDOW_PER_MEMBER} per member if that is longer, at most {@link #LONGEST_WINDOW}.
   * Zero stays zero (every change on its own).
   */
  default long windowNanos(int members) {
    long base = window().toNanos();
    if (base == 0) {
      return 0;
    }
    long grown = Math.min(LONGEST_WINDOW.toNanos(), members * WINDOW_PER_MEMBER.toNanos());
    return Math.max(base, grown);
  }

  /** A monotonic clock in nanoseconds. */
  long nanoTime();

  /** Runs {@code task} once, {@code delayNanos} from now, on some other thread. */
  void after(long delayNanos, Runnable task);

  /** Every change goes out at once as its own JOINED or LEFT (the v2 behaviour; unit tests). */
  static NoticePacing immediate() {
    return system(Duration.ZERO);
  }

  /** The system clock, and a virtual thread that sleeps out each delay. */
  static NoticePacing system(Duration window) {
    return new NoticePacing() {
      @Override
      public Duration window() {
        return window;
      }

      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void after(long delayNanos, Runnable task) {
        Thread.ofVirtual().name("room-notices").start(() -> {
          try {
            TimeUnit.NANOSECONDS.sleep(delayNanos);
          } catch (InterruptedException e) {
            // nothing interrupts these threads; if something does, flushing early is harmless
            Thread.currentThread().interrupt();
          }
          task.run();
        });
      }
    };
  }
}
