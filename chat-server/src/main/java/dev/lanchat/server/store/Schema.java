package dev.lanchat.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/** Sets up a store's connection and brings its schema to {@link Migrations#LATEST}. */
final class Schema {
  private Schema() {}

  /** The durability a connection starts with; each write then sets its own. */
  static final Durability OPENED_WITH = Durability.POWER_LOSS;

  /**
   * Log pages after which a commit checkpoints by itself (SQLite's default is 1,000): a server's
   * {@link Checkpointer} keeps the log far shorter, so this only ever acts if it fails.
   */
  static final int AUTO_CHECKPOINT_PAGES = 16_384;

  /**
   * WAL and {@code synchronous=FULL} on {@code connection}.
   *
   * <p>WAL, so admin commands in other processes read and write while the server runs: readers
   * never wait for the writer, and the writer never waits for readers. FULL to begin with (the
   * migration and the admin commands' writes are fsynced); the store then switches per write
   * between NORMAL and FULL as the write's {@link Durability} asks.
   *
   * @throws StoreException if the file system cannot hold a WAL database
   */
  static void configure(Connection connection, Path file) throws SQLException, StoreException {
    try (Statement statement = connection.createStatement()) {
      String mode;
      try (ResultSet row = statement.executeQuery("PRAGMA journal_mode = WAL")) {
        row.next();
        mode = row.getString(1);
      }
      if (!"wal".equals(mode.toLowerCase(Locale.ROOT))) {
        throw new StoreException(file, "SQLite cannot keep a write-ahead log here (journal mode "
            + mode + "); put --data on a local file system");
      }
      statement.execute(OPENED_WITH.pragma());
      statement.execute("PRAGMA wal_autocheckpoint = " + AUTO_CHECKPOINT_PAGES);
      // pruned history and delivered DMs are overwritten with zeros, not left in free pages:
      // retention means the text is gone from the file, not only from the answers
      statement.execute("PRAGMA secure_delete = ON");
      statement.execute("PRAGMA foreign_keys = ON");
    }
  }

  /**
   * Runs the steps the store lacks, all in one transaction with the new {@code user_version},
   * so a crash midway leaves the store at its old version, whole.
   *
   * @throws StoreException if the store is newer than this program, or is some other SQLite
   *     database
   */
  static void migrate(Connection connection, Path file) throws SQLException, StoreException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      try {
        int version = intOf(statement, "PRAGMA user_version");
        if (version > Migrations.LATEST) {
          throw new StoreException(file, "this store was written by a newer LanChat (schema "
              + "version " + version + "; this server knows up to " + Migrations.LATEST
              + "). It was left untouched: run the newer server, or point --data elsewhere");
        }
        if (version == 0 && intOf(statement, "SELECT count(*) FROM sqlite_schema") > 0) {
          throw new StoreException(file, "this SQLite file holds other tables and is not a "
              + "LanChat store. It was left untouched: point --data elsewhere");
        }
        for (int step = version; step < Migrations.LATEST; step++) {
          for (String sql : Migrations.STEPS.get(step)) {
            statement.execute(sql);
          }
          statement.execute("PRAGMA user_version = " + (step + 1));
        }
        statement.execute("COMMIT");
      } catch (SQLException | StoreException | RuntimeException e) {
        try {
          statement.execute("ROLLBACK");
        } catch (SQLException rollback) {
          e.addSuppressed(rollback); // SQLite may have rolled back already
        }
        throw e;
      }
    }
  }

  /**
   * Reads every table the store needs, so a store whose version is right but whose tables were
   * dropped or altered by hand is refused at start-up, not at the first join.
   */
  static void verify(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.executeQuery("SELECT skeleton, name, client_key, bound_at, last_seen "
          + "FROM name_binding LIMIT 0").close();
      statement.executeQuery("SELECT fingerprint, name, name_skeleton, added_at "
          + "FROM allowlist LIMIT 0").close();
      statement.executeQuery("SELECT number, code, name, created_at, expires_at, uses_left, "
          + "failures, revoked_at FROM invite LIMIT 0").close();
      statement.executeQuery("SELECT room, last_event_id, head, name, topic, end_to_end, "
          + "ids_through FROM room_head LIMIT 0").close();
      statement.executeQuery("SELECT room, event_id, at, type, sender, body, "
          + "message_id, head FROM room_event LIMIT 0").close();
      statement.executeQuery("SELECT id, sender, message_id, at, room, event_id "
          + "FROM sent_message LIMIT 0").close();
      statement.executeQuery("SELECT id, recipient, at, body FROM offline_dm LIMIT 0").close();
      statement.executeQuery("SELECT owner, serial, body, published_at FROM e2e_key LIMIT 0")
          .close();
    }
  }

  private static int intOf(Statement statement, String sql) throws SQLException {
    try (ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getInt(1);
    }
  }
}
