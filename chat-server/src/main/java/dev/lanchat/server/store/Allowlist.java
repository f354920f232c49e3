package dev.lanchat.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of the {@code allowlist} table, run inside a {@link Store} transaction. */
final class Allowlist {
  private static final String COLUMNS = "fingerprint, name, added_at";

  private Allowlist() {}

  static Optional<AllowEntry> find(Connection c, KeyFingerprint fingerprint) throws SQLException {
    // an allowlist server runs it for every client that authenticates: kept compiled (Sql)
    try (ResultSet row = Sql.query(c, "SELECT " + COLUMNS + " FROM allowlist WHERE fingerprint = ?",
        (Object) fingerprint.bytes())) {
      return row.next() ? Optional.of(entry(row)) : Optional.empty();
    }
  }

  static List<AllowEntry> all(Connection c) throws SQLException {
    List<AllowEntry> all = new ArrayList<>();
    try (PreparedStatement select = c.prepareStatement(
        "SELECT " + COLUMNS + " FROM allowlist ORDER BY added_at, fingerprint");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        all.add(entry(rows));
      }
    }
    return all;
  }

  /** Adds the entry, or updates its name (when one is given) if it is there already. */
  static AllowResult upsert(Connection c, KeyFingerprint fingerprint, Optional<String> name,
      Optional<String> skeleton, long now) throws SQLException {
    Optional<AllowEntry> existing = find(c, fingerprint);
    if (existing.isPresent()) {
      if (name.isEmpty()) {
        return new AllowResult.Updated(existing.get());
      }
      try (PreparedStatement update = c.prepareStatement(
          "UPDATE allowlist SET name = ?, name_skeleton = ? WHERE fingerprint = ?")) {
        Sql.bindAll(update, name.get(), skeleton.get(), fingerprint.bytes());
        update.executeUpdate();
      }
      return new AllowResult.Updated(
          new AllowEntry(fingerprint, name, existing.get().addedAt()));
    }
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO allowlist (fingerprint, name, name_skeleton, added_at) VALUES (?, ?, ?, ?)")) {
      Sql.bindAll(insert, fingerprint.bytes(), name.orElse(null), skeleton.orElse(null), now);
      insert.executeUpdate();
    }
    return new AllowResult.Added(new AllowEntry(fingerprint, name, Instant.ofEpochMilli(now)));
  }

  private static AllowEntry entry(ResultSet row) throws SQLException {
    return new AllowEntry(KeyFingerprint.fromBytes(row.getBytes(1)),
        Optional.ofNullable(row.getString(2)), Instant.ofEpochMilli(row.getLong(3)));
  }
}
