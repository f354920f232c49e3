package dev.lanchat.server.store;

import dev.lanchat.common.pake.JoinCode;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/** The SQL of the {@code invite} table, run inside a {@link Store} transaction. */
final class Invites {
  private static final String COLUMNS =
      "code, name, created_at, expires_at, uses_left, failures, revoked_at";
  /** A live invite: not revoked, not expired, uses left, not burned. The one ? is now. */
  private static final String LIVE = "revoked_at IS NULL AND expires_at > ? AND uses_left > 0 "
      + "AND failures < " + Invite.MAX_FAILURES;

  private Invites() {}

  /** One stored row, with why it is not live (if it is not). */
  record Row(Invite invite, Optional<Redemption> dead) {}

  static Optional<Row> find(Connection c, int number, long now) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement("SELECT " + COLUMNS + " FROM invite WHERE number = ?")) {
      Sql.bindAll(select, (long) number);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(row(row, now)) : Optional.empty();
      }
    }
  }

  static List<Invite> live(Connection c, long now) throws SQLException {
    List<Invite> all = new ArrayList<>();
    try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS
        + " FROM invite WHERE " + LIVE + " ORDER BY expires_at, number")) {
      Sql.bindAll(select, now);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          all.add(row(rows, now).invite());
        }
      }
    }
    return all;
  }

  /** A number with no live invite, drawn uniformly; empty when all 100 are live. */
  static Optional<Integer> freeNumber(Connection c, long now, SecureRandom random)
      throws SQLException {
    BitSet taken = new BitSet(JoinCode.MAX_NUMBER + 1);
    try (PreparedStatement select =
        c.prepareStatement("SELECT number FROM invite WHERE " + LIVE)) {
      Sql.bindAll(select, now);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          taken.set(rows.getInt(1));
        }
      }
    }
    int free = JoinCode.MAX_NUMBER + 1 - taken.cardinality();
    if (free == 0) {
      return Optional.empty();
    }
    int pick = random.nextInt(free);
    int number = taken.nextClearBit(0);
    for (int i = 0; i < pick; i++) {
      number = taken.nextClearBit(number + 1);
    }
    return Optional.of(number);
  }

  /** Puts {@code invite} in, replacing the dead row that held its number, if any. */
  static void insert(Connection c, Invite invite) throws SQLException {
    try (PreparedStatement delete = c.prepareStatement("DELETE FROM invite WHERE number = ?")) {
      Sql.bindAll(delete, (long) invite.code().number());
      delete.executeUpdate();
    }
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO invite (number, " + COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, NULL)")) {
      Sql.bindAll(insert, (long) invite.code().number(), invite.code().text(),
          invite.name().orElse(null), invite.createdAt().toEpochMilli(),
          invite.expiresAt().toEpochMilli(), (long) invite.usesLeft(), (long) invite.failures());
      insert.executeUpdate();
    }
  }

  /** Sets one counter or time of the invite with {@code number}. */
  static void set(Connection c, int number, String column, long value) throws SQLException {
    try (PreparedStatement update = c.prepareStatement(
        "UPDATE invite SET " + column + " = ? WHERE number = ?")) {
      Sql.bindAll(update, value, (long) number);
      update.executeUpdate();
    }
  }

  private static Row row(ResultSet row, long now) throws SQLException {
    JoinCode code;
    try {
      code = JoinCode.parse(row.getString(1));
    } catch (IllegalArgumentException e) {
      // edited by hand in the sqlite3 shell: a store failure, not a crash
      throw new SQLException("an invite holds a malformed join code", e);
    }
    Invite invite = new Invite(code,
        Optional.ofNullable(row.getString(2)), Instant.ofEpochMilli(row.getLong(3)),
        Instant.ofEpochMilli(row.getLong(4)), row.getInt(5), row.getInt(6));
    row.getLong(7);
    boolean revoked = !row.wasNull();
    Optional<Redemption> dead;
    if (revoked) {
      dead = Optional.of(new Redemption.Revoked());
    } else if (invite.failures() >= Invite.MAX_FAILURES) {
      dead = Optional.of(new Redemption.Burned());
    } else if (invite.usesLeft() == 0) {
      dead = Optional.of(new Redemption.UsedUp());
    } else if (invite.expiresAt().toEpochMilli() <= now) {
      dead = Optional.of(new Redemption.Expired());
    } else {
      dead = Optional.empty();
    }
    return new Row(invite, dead);
  }
}
