package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Ed25519;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * DMs to bound names whose key is not connected, kept per recipient key until it comes back,
 * and the exactly-once record for DMs (a DM sent again after a lost connection is dropped).
 *
 * <p>At most {@value #MAX_PER_RECIPIENT} DMs wait for one recipient: a further one is refused,
 * never made room for by dropping an older one, because each sender was told theirs would
 * arrive. Waiting DMs expire with the age limit of {@link Retention}; with {@code --history 0}
 * none are kept.
 *
 * <p>Thread-safe: every method is one transaction of the {@link Store} it came from.
 */
public final class OfflineDms {
  /** DMs that wait for one recipient at most. */
  public static final int MAX_PER_RECIPIENT = 100;

  private static final int SWEEP_ROWS = 1_000;

  private final Transactions store;
  private final SentMessages sentMessages;
  private final Retention retention;
  private final Clock clock;

  OfflineDms(Transactions store, SentMessages sentMessages, Retention retention, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.sentMessages = Objects.requireNonNull(sentMessages, "sentMessages");
    this.retention = Objects.requireNonNull(retention, "retention");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Records that {@code sender}'s client message {@code messageId} (a DM delivered live) was
   * taken; says whether it was taken before.
   *
   * @throws IllegalArgumentException if the key is not 32 bytes
   * @throws StoreException if the store cannot be written
   */
  public Claim claim(ByteString sender, long messageId) throws StoreException {
    byte[] from = key(sender);
    long now = clock.millis();
    return store.write("record a DM as taken", Durability.PROCESS_CRASH,
        c -> sentMessages.take(c, from, messageId, now, Optional.empty()) ? new Claim.Fresh()
            : new Claim.Repeat());
  }

  /**
   * Keeps the DM {@code encoded} (sent at {@code time}) for {@code recipient}, and records the
   * sender's message id, in one transaction.
   *
   * @throws IllegalArgumentException if a key is not 32 bytes
   * @throws StoreException if the store cannot be written
   */
  public DmResult deliverLater(ByteString recipient, ByteString sender, long messageId,
      long time, byte[] encoded) throws StoreException {
    byte[] to = key(recipient);
    byte[] from = key(sender);
    byte[] body = encoded.clone();
    long now = clock.millis();
    return store.write("keep a DM", Durability.POWER_LOSS, c -> {
      if (sentMessages.find(c, from, messageId).isPresent()) {
        return new DmResult.Repeat();
      }
      if (!retention.keepsText()) {
        return new DmResult.NotKept();
      }
      expire(c, to, now);
      int waiting = waiting(c, to);
      if (waiting >= MAX_PER_RECIPIENT) {
        return new DmResult.Full();
      }
      Sql.execute(c, "INSERT INTO offline_dm (recipient, at, body) VALUES (?, ?, ?)", to,
          time, body);
      sentMessages.take(c, from, messageId, now, Optional.empty()); // new: found absent above
      return new DmResult.Kept(waiting + 1);
    });
  }

  /**
   * The DMs waiting for {@code recipient}, oldest first, deleted in the same transaction: they
   * are the caller's to deliver now.
   *
   * @throws IllegalArgumentException if the key is not 32 bytes
   * @throws StoreException if the store cannot be written (nothing was taken)
   */
  public List<WaitingDm> take(ByteString recipient) throws StoreException {
    byte[] to = key(recipient);
    long now = clock.millis();
    // asked at every JOIN, and most find nothing: a read answers that without the write lock
    // and the FULL commit of a write (issue 12); one that finds some takes them in a write
    if (store.read("look for waiting DMs", c -> waiting(c, to)) == 0) {
      return List.of();
    }
    return store.write("hand over waiting DMs", Durability.POWER_LOSS, c -> {
      expire(c, to, now);
      List<WaitingDm> all = new ArrayList<>();
      try (PreparedStatement select = c.prepareStatement(
          "SELECT at, body FROM offline_dm WHERE recipient = ? ORDER BY id")) {
        Sql.bindAll(select, (Object) to);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            all.add(new WaitingDm(rows.getLong(1), ByteString.copyOf(rows.getBytes(2))));
          }
        }
      }
      Sql.execute(c, "DELETE FROM offline_dm WHERE recipient = ?", (Object) to);
      return all;
    });
  }

  /**
   * How many DMs wait for {@code recipient}.
   *
   * @throws StoreException if the store cannot be read
   */
  public int waiting(ByteString recipient) throws StoreException {
    byte[] to = key(recipient);
    return store.read("count waiting DMs", c -> waiting(c, to));
  }

  /**
   * Deletes, in a bounded step, waiting DMs past the age limit (all of them when {@code
   * --history} is 0). Run it with {@code History.sweep}.
   *
   * @return rows deleted by this step
   * @throws StoreException if the store cannot be written
   */
  public int sweep() throws StoreException {
    long cutoff = retention.keepsText() ? retention.cutoff(clock.millis()) : Long.MAX_VALUE;
    return store.write("expire waiting DMs", Durability.POWER_LOSS, c -> Sql.execute(c,
        "DELETE FROM offline_dm WHERE id IN (SELECT id FROM offline_dm WHERE at < ? LIMIT ?)",
        cutoff, (long) SWEEP_ROWS));
  }

  private void expire(Connection c, byte[] to, long now) throws SQLException {
    if (retention.maxAge().isPresent()) {
      // at most MAX_PER_RECIPIENT rows wait for one key, so this walk is bounded
      Sql.execute(c, "DELETE FROM offline_dm WHERE recipient = ? AND at < ?", to,
          retention.cutoff(now));
    }
  }

  private static int waiting(Connection c, byte[] to) throws SQLException {
    try (ResultSet row =
        Sql.query(c, "SELECT count(*) FROM offline_dm WHERE recipient = ?", (Object) to)) {
      row.next();
      return row.getInt(1);
    }
  }

  private static byte[] key(ByteString key) {
    if (key.size() != Ed25519.KEY_SIZE) {
      throw new IllegalArgumentException("a client key is 32 bytes, not " + key.size());
    }
    return key.toByteArray();
  }
}
