package dev.lanchat.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns a closed store file back into what an earlier release made, for the tests that check a
 * schema step: undo what the later steps did, then set {@code PRAGMA user_version}.
 */
final class OlderStore {
  private OlderStore() {}

  /** Runs {@code undo} on {@code file}, in order, and marks it as at {@code version}. */
  static void rewind(Path file, int version, List<String> undo) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      for (String sql : undo) {
        s.execute(sql);
      }
      s.execute("PRAGMA user_version = " + version);
    }
  }

  /** {@code DROP TABLE} for each of {@code tables}, in order. */
  static Stream<String> drop(List<String> tables) {
    return tables.stream().map(table -> "DROP TABLE " + table);
  }
}
