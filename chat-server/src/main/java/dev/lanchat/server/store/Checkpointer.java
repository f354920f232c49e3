package dev.lanchat.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the store's write-ahead log into the database file every {@link #PERIOD}, on a thread
 * and a connection of its own, so no room waits for it.
 *
 * <p>Left to itself, SQLite checkpoints inside whichever commit takes the log past its limit,
 * and a checkpoint syncs the log and the database file: on a disk that is two fsyncs, several
 * milliseconds, inside a room's lock (each room event commits while its room holds its order).
 * Run here, a {@code PASSIVE} checkpoint copies what no reader still needs without waiting for
 * anyone and without stopping the writer, which goes on appending to the log meanwhile. The
 * store's own connection still checkpoints by itself past {@link Schema#AUTO_CHECKPOINT_PAGES}
 * pages, should this thread ever fall that far behind.
 *
 * <p>Durability is unchanged: a commit is in the log when the writer returns, and the log is
 * synced at every checkpoint, now a few times a second rather than every few hundred commits.
 * Thread-safe.
 */
public final class Checkpointer implements AutoCloseable {
  /** How often the log is copied: often enough that it stays a few hundred pages long. */
  public static final Duration PERIOD = Duration.ofMillis(200);

  private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

  /** Work the timer does before each checkpoint, on the store's own connection. */
  @FunctionalInterface
  interface Before {
    void run() throws StoreException;
  }

  private final Path file;
  private final Connection connection;
  private final Before before;
  private final ScheduledExecutorService timer;
  private final Object state = new Object();
  private boolean failing;
  /** Whether the last {@link #before} failed; only the timer's thread uses it. */
  private boolean beforeFailing;
  private boolean closed;

  private Checkpointer(Path file, Connection connection, Before before) {
    this.file = file;
    this.connection = connection;
    this.before = before;
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("lanchat-store-checkpoint").daemon(true).factory());
  }

  /**
   * Starts checkpointing {@code file} over {@code connection}, which it then owns, running
   * {@code before} ahead of each timed checkpoint (the store writes what waits in memory, so
   * the checkpoint copies it). The first checkpoint runs now, so the connection holds every file
   * it will hold from the start.
   *
   * @throws StoreException if that checkpoint fails (the connection is closed)
   */
  static Checkpointer start(Path file, Connection connection, Before before)
      throws StoreException {
    Checkpointer checkpointer = new Checkpointer(file, connection, before);
    try {
      checkpointer.checkpointNow();
    } catch (SQLException e) {
      checkpointer.close();
      throw new StoreException(file,
          "cannot checkpoint the store (" + SqliteErrors.explain(e) + ")", e);
    }
    checkpointer.timer.scheduleWithFixedDelay(checkpointer::checkpoint, PERIOD.toMillis(),
        PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    return checkpointer;
  }

  /**
   * What one checkpoint did: whether it could not start, the frames in the log, and how many of
   * them are in the database file now ({@code -1} when the store is not in WAL mode).
   */
  record Progress(boolean busy, int logFrames, int copiedFrames) {}

  /**
   * One passive checkpoint now, on the caller's thread (the timer's, or a test's).
   *
   * @throws SQLException if SQLite cannot checkpoint
   * @throws IllegalStateException once closed
   */
  Progress checkpointNow() throws SQLException {
    synchronized (state) {
      if (closed) {
        throw new IllegalStateException("the checkpointer of " + file + " is closed");
      }
      try (Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
        row.next();
        return new Progress(row.getInt(1) != 0, row.getInt(2), row.getInt(3));
      }
    }
  }

  /**
   * The timer's work: {@link #before}, then a checkpoint; a failure of either is logged once
   * until they succeed again.
   */
  private void checkpoint() {
    try {
      before.run(); // outside state: it takes the store's lock, which close never waits under
      beforeFailing = false;
    } catch (StoreException | IllegalStateException e) { // IllegalState: the store closed
      if (!beforeFailing) {
        log.warn("before the checkpoint of {}: {}", file, e.getMessage());
        beforeFailing = true;
      }
    }
    synchronized (state) {
      if (closed) {
        return;
      }
      try {
        checkpointNow();
        if (failing) {
          log.info("checkpoints of {} work again", file);
          failing = false;
        }
      } catch (SQLException e) {
        if (!failing) {
          log.warn("cannot checkpoint {} ({}); its commits checkpoint by themselves meanwhile",
              file, SqliteErrors.explain(e));
          failing = true;
        }
      }
    }
  }

  /** Stops checkpointing and closes the connection; a checkpoint under way ends first. */
  @Override
  public void close() {
    timer.shutdownNow();
    synchronized (state) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing the checkpoint connection of {}: {}", file, e.getMessage());
      }
    }
  }
}
