package dev.lanchat.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * When a room's coalesced membership notices may go out (protocol §5.5): at most one flush per
 * {@link #window()}, the first change after a quiet window at once, later ones on a timer.
 *
 * <p>Implementations are thread-safe; tests use one with a hand-turned clock.
 */
interface NoticePacing {
  /** Protocol §5.5: a room sends membership notices at most this often. */
  Duration DEFAULT_WINDOW = Duration.ofMillis(100);

  /** Shortest time between two flushes; zero sends every change on its own, at once. */
  Duration window();

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
