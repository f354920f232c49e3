package dev.lanchat.server.store;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.e2e.E2eKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The end-to-end keys clients published (protocol "End-to-end layer"): the newest per identity,
 * one row each, so the keys of members who are not connected can still be handed out. The
 * server only keeps and hands out these public keys; the clients check them against the
 * identities they pinned.
 *
 * <p>The caller checks a key's owner, signature and age before {@link #publish}; the store
 * enforces the serial rule in the transaction that writes, so two publishes cannot both win.
 *
 * <p>Thread-safe: every method is one transaction of the {@link Store} it came from.
 */
public final class E2eKeys {
  private final Transactions store;
  private final Clock clock;

  E2eKeys(Transactions store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Keeps {@code key} as its owner's newest, unless the owner published a higher serial, or
   * other bytes under the same serial. Durable against power loss.
   *
   * @throws StoreException if the store cannot be written
   */
  public PublishResult publish(E2eKey key) throws StoreException {
    byte[] owner = key.owner().toByteArray();
    byte[] body = key.encode();
    long now = clock.millis();
    return store.write("keep an end-to-end key", Durability.POWER_LOSS, c -> {
      try (ResultSet row =
          Sql.query(c, "SELECT serial, body FROM e2e_key WHERE owner = ?", (Object) owner)) {
        if (row.next()) {
          long held = row.getLong(1);
          if (held > key.serial()) {
            return new PublishResult.Older(held);
          }
          if (held == key.serial()) {
            // public bytes: no secret to compare in constant time
            return Arrays.equals(row.getBytes(2), body)
                ? new PublishResult.Unchanged() : new PublishResult.Conflict();
          }
        }
      }
      Sql.execute(c, "INSERT INTO e2e_key (owner, serial, body, published_at) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (owner) DO UPDATE SET serial = excluded.serial, body = excluded.body,"
          + " published_at = excluded.published_at", owner, key.serial(), body, now);
      return new PublishResult.Stored();
    });
  }

  /**
   * The newest key {@code owner} published, if any.
   *
   * @throws IllegalArgumentException if the owner is not 32 bytes
   * @throws StoreException if the store cannot be read, or holds a malformed key
   */
  public Optional<E2eKey> of(ByteString owner) throws StoreException {
    byte[] o = ownerBytes(owner);
    return store.read("read an end-to-end key", c -> find(c, o));
  }

  /**
   * The newest key of each of {@code owners} that published one, in their order, read in one
   * transaction.
   *
   * @throws IllegalArgumentException if an owner is not 32 bytes
   * @throws StoreException if the store cannot be read, or holds a malformed key
   */
  public Map<ByteString, E2eKey> of(Collection<ByteString> owners) throws StoreException {
    for (ByteString owner : owners) {
      ownerBytes(owner);
    }
    return store.read("read end-to-end keys", c -> {
      Map<ByteString, E2eKey> found = new LinkedHashMap<>();
      for (ByteString owner : owners) {
        find(c, owner.toByteArray()).ifPresent(k -> found.put(owner, k));
      }
      return found;
    });
  }

  private static Optional<E2eKey> find(Connection c, byte[] owner) throws SQLException {
    try (ResultSet row =
        Sql.query(c, "SELECT body FROM e2e_key WHERE owner = ?", (Object) owner)) {
      if (!row.next()) {
        return Optional.empty();
      }
      try {
        return Optional.of(E2eKey.parse(row.getBytes(1)));
      } catch (ProtocolException e) {
        throw new SQLException("a kept end-to-end key is malformed: " + e.getMessage(), e);
      }
    }
  }

  private static byte[] ownerBytes(ByteString owner) {
    if (owner.size() != Ed25519.KEY_SIZE) {
      throw new IllegalArgumentException("an identity is 32 bytes, not " + owner.size());
    }
    return owner.toByteArray();
  }
}
