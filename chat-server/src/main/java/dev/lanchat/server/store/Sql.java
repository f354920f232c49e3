package dev.lanchat.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * The two JDBC helpers every table's SQL uses: binding values by their Java type, and running
 * one update. Kept apart from {@link Store} so the table classes ({@link Allowlist}, {@link
 * Invites}, {@link History}, {@link OfflineDms}, {@link SentMessages}) depend on it and not on
 * the store that uses them, which would make a class cycle.
 */
final class Sql {
  private Sql() {}

  /** Binds {@code values} to the statement's parameters, in order, by their Java type. */
  static void bindAll(PreparedStatement statement, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      switch (values[i]) {
        case String s -> statement.setString(i + 1, s);
        case Long n -> statement.setLong(i + 1, n);
        case byte[] b -> statement.setBytes(i + 1, b);
        case null -> statement.setNull(i + 1, Types.NULL);
        default -> throw new IllegalArgumentException("cannot bind " + values[i].getClass());
      }
    }
  }

  /** Runs one INSERT, UPDATE or DELETE with {@code values} bound; returns the rows changed. */
  static int execute(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      bindAll(statement, values);
      return statement.executeUpdate();
    }
  }
}
