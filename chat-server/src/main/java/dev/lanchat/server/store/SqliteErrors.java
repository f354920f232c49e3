package dev.lanchat.server.store;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * What an SQLite failure means to the person running the server, in one sentence: the words
 * every {@link StoreException} of the store and its {@link Checkpointer} give.
 */
final class SqliteErrors {
  /**
   * How long a write waits for another process (an admin command) to finish its own; set on
   * every connection ({@link Store}), and named when the wait runs out.
   */
  static final int BUSY_TIMEOUT_MS = 5_000;

  private SqliteErrors() {}

  /** A sentence for an SQLite failure, naming the cases a user can act on. */
  static String explain(SQLException e) {
    if (e instanceof SQLiteException s) {
      int primary = s.getResultCode().code & 0xFF; // extended codes carry the primary below
      if (primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
        return "it is not an SQLite database";
      }
      if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code) {
        return "the database is damaged; sqlite3 FILE 'PRAGMA integrity_check' says where";
      }
      if (primary == SQLiteErrorCode.SQLITE_BUSY.code) {
        return "another process held it locked for more than " + BUSY_TIMEOUT_MS / 1000 + " s";
      }
      if (primary == SQLiteErrorCode.SQLITE_READONLY.code
          || primary == SQLiteErrorCode.SQLITE_CANTOPEN.code) {
        return "it cannot be written here: check the permissions of the file and its folder";
      }
    }
    return StoreFile.describe(e);
  }
}
