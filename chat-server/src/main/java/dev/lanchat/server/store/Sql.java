package dev.lanchat.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The JDBC helpers every table's SQL uses: binding values by their Java type, and running one
 * query or one update. Kept apart from {@link Store} so the table classes ({@link Allowlist},
 * {@link Invites}, {@link History}, {@link OfflineDms}, {@link SentMessages}) depend on it and
 * not on the store that uses them, which would make a class cycle.
 *
 * <p>Statements run through {@link #query}, {@link #execute} and {@link #prepared} are compiled
 * once per connection and kept: SQLite compiles a statement in tens of microseconds, and every
 * room event runs half a dozen of them, so compiling each time costs more CPU than the writes
 * (the {@code BEGIN} and {@code COMMIT} around them too). A kept statement is only ever used under
 * its store's lock, inside or around its transaction.
 */
final class Sql {
  /** The kept statements of each connection; a closed connection's go with it. */
  private static final Map<Connection, Map<String, PreparedStatement>> KEPT =
      Collections.synchronizedMap(new WeakHashMap<>());

  private Sql() {}

  /**
   * The compiled statement of {@code sql} on {@code c}, kept for the next call: bind every
   * parameter, and close only its result sets, never the statement.
   */
  static PreparedStatement prepared(Connection c, String sql) throws SQLException {
    Map<String, PreparedStatement> kept = KEPT.computeIfAbsent(c, k -> new HashMap<>());
    PreparedStatement statement = kept.get(sql);
    if (statement == null || statement.isClosed()) {
      statement = c.prepareStatement(sql);
      kept.put(sql, statement);
    }
    return statement;
  }

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

  /**
   * Runs one SELECT with {@code values} bound; the caller closes the result set (never the
   * statement, which is kept).
   */
  static ResultSet query(Connection c, String sql, Object... values) throws SQLException {
    PreparedStatement statement = prepared(c, sql);
    bindAll(statement, values);
    return statement.executeQuery();
  }

  /** Runs one INSERT, UPDATE or DELETE with {@code values} bound; returns the rows changed. */
  static int execute(Connection c, String sql, Object... values) throws SQLException {
    PreparedStatement statement = prepared(c, sql);
    bindAll(statement, values);
    return statement.executeUpdate();
  }
}
