package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * For the hostile-input tests: during each test, what the server logs at {@code level} or above
 * is kept here instead of printed, and every exception that reaches a thread's end is caught
 * here instead of the default handler. Register it with {@code @RegisterExtension}.
 */
final class ServerLogWatch implements BeforeEachCallback, AfterEachCallback {
  private final Level level;
  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.lanchat");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Queue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
  private Level previousLevel;
  private Thread.UncaughtExceptionHandler previousHandler;

  /** @param level the least level kept (thousands of connections at INFO would drown a report) */
  ServerLogWatch(Level level) {
    this.level = level;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    previousLevel = logger.getLevel();
    logger.setLevel(level);
    logger.setAdditive(false);
    appender.start();
    logger.addAppender(appender);
    previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    logger.detachAppender(appender);
    logger.setAdditive(true);
    logger.setLevel(previousLevel);
  }

  /** What was logged so far, in order (the list itself: clear it to start afresh). */
  List<ILoggingEvent> events() {
    return appender.list;
  }

  /** The exceptions that ended a thread. */
  Queue<Throwable> uncaught() {
    return uncaught;
  }

  /** Asserts that no logged event carries a stack trace. */
  void assertNoStackTrace(String context) {
    assertTrue(events().stream().noneMatch(e -> e.getThrowableProxy() != null),
        "stack traces in the log (" + context + "): " + events().stream()
            .filter(e -> e.getThrowableProxy() != null).map(ILoggingEvent::getFormattedMessage)
            .limit(5).toList());
  }

  /** Polls, bounded by {@code within}, until {@code count} is at most {@code most}. */
  static void awaitAtMost(IntSupplier count, int most, Duration within, String what) {
    long deadline = System.nanoTime() + within.toNanos();
    int now = count.getAsInt();
    while (now > most && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      now = count.getAsInt();
    }
    assertTrue(now <= most, what + ": " + now + ", more than " + most + " after " + within);
  }
}
