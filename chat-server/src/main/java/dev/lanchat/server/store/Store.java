package dev.lanchat.server.store;

import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.pake.JoinCode;
import dev.lanchat.common.rules.Names;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The server's durable state in one SQLite file ({@code ~/.lanchat/server.db} by default): which
 * key owns which name, which keys are allowed in, the join-code invites, and (through {@link
 * #history} and {@link #offlineDms}) the rooms' events and the DMs waiting for their recipients.
 * Each public method is one transaction.
 *
 * <p>Thread-safe. It holds one connection behind a lock rather than a pool: SQLite lets one
 * writer in at a time whatever the pool, our reads are single-row lookups by key, and with one
 * connection the server's own threads never meet {@code SQLITE_BUSY} from each other, while
 * {@link #dataVersion} on that connection counts exactly the commits made by others (the admin
 * commands). A {@link ReentrantLock} rather than {@code synchronized}, because a virtual thread
 * that blocks inside {@code synchronized} pins its carrier on JDK 21-23.
 *
 * <p>A file that cannot be opened or read is reported as a {@link StoreException} and left
 * exactly as it is: the store is never recreated over a damaged file.
 */
public final class Store implements AutoCloseable, Transactions {
  private static final Logger log = LoggerFactory.getLogger(Store.class);
  private static final String BINDING_COLUMNS = "name, client_key, bound_at, last_seen";
  /**
   * How stale a key's last-seen time may be before a JOIN under its own name writes it again:
   * the time is shown to people (the admin's {@code names}), never compared by the server.
   */
  static final long LAST_SEEN_RESOLUTION_MILLIS = 60_000;

  private final Path file;
  private final Connection connection;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  /** What the views keep in memory undo if a transaction rolls back; under {@link #lock}. */
  private final RollbackLog rollbackLog = new RollbackLog();
  /** Which client message ids each key had taken; used by the views, under {@link #lock}. */
  private final SentMessages sentMessages = new SentMessages(rollbackLog);
  /** The head rows of the rooms appended to lately; used by the views, under {@link #lock}. */
  private final RoomTips roomTips = new RoomTips(rollbackLog);
  /** The connection's {@code synchronous} setting now; guarded by {@link #lock}. */
  private Durability synchronous = Schema.OPENED_WITH;
  private boolean closed;
  /** False for an admin command's store, which never touches a room (see {@link #openForAdmin}). */
  private final boolean rooms;

  private Store(Path file, Connection connection, Clock clock, boolean rooms) {
    this.file = file;
    this.connection = connection;
    this.clock = clock;
    this.rooms = rooms;
  }

  /**
   * Opens the store in {@code file} for the server, creating it (owner-only, folder 0700) when it
   * is missing, brings its schema up to date, and writes what a crash of the last server left
   * in the event rows alone (each room's tip and the ids of its last lines).
   *
   * @throws StoreException if it cannot be created, opened or read, is open to other users, or
   *     was written by a newer LanChat
   */
  public static Store open(Path file, Clock clock) throws StoreException {
    return open(file, true, true, clock);
  }

  /**
   * Opens the store in {@code file} for an admin command, which works on keys, names and join
   * codes, never on a room. What a crashed server left in the event rows stays there for the
   * next server to write, so a command run beside a running server, or after a crash, writes
   * only what it was asked to; {@link #history} and {@link #offlineDms} refuse.
   *
   * @param create whether a missing store is created (as {@link #open} does); false for the
   *     commands that only read or remove, so a mistyped {@code --data} is an error, not a new
   *     empty store
   * @throws StoreException as {@link #open}, and if there is no such file and {@code create} is
   *     false
   */
  public static Store openForAdmin(Path file, boolean create, Clock clock)
      throws StoreException {
    return open(file, create, false, clock);
  }

  private static Store open(Path file, boolean create, boolean rooms, Clock clock)
      throws StoreException {
    StoreFile.prepare(file, create);
    Connection connection = connect(file);
    try {
      Schema.configure(connection, file);
      Schema.migrate(connection, file);
      Schema.verify(connection);
      Store store = new Store(file, connection, clock, rooms);
      if (rooms) {
        store.recover();
      }
      return store;
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new StoreException(file, "cannot read the store (" + SqliteErrors.explain(e)
          + "). It was left untouched: repair it with the sqlite3 shell, or point --data"
          + " elsewhere", e);
    } catch (StoreException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  /** A connection to the existing {@code file}, waiting up to 5 s for another writer. */
  private static Connection connect(Path file) throws StoreException {
    SQLiteConfig config = new SQLiteConfig();
    config.resetOpenMode(SQLiteOpenMode.CREATE); // StoreFile made it: SQLite must not make one
    config.setBusyTimeout(SqliteErrors.BUSY_TIMEOUT_MS);
    // no statement here reads generated keys; left on, the driver runs a fresh
    // "SELECT last_insert_rowid()" statement after every INSERT (about a tenth of what a room
    // event costs the store: performance.md, StoreAppendBenchmark)
    config.setGetGeneratedKeys(false);
    try {
      return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    } catch (SQLException e) {
      throw new StoreException(file, "cannot open the store (" + SqliteErrors.explain(e) + ")", e);
    }
  }

  /**
   * Puts in the tables what a crash left in the event rows alone (see {@link RoomTips} and
   * {@link SentMessages}): each room's tip, then the client message ids of its lines. Nothing
   * when the last server closed its store.
   */
  private void recover() throws StoreException {
    int[] moved = write("write what a crash left in the event rows", Durability.POWER_LOSS,
        c -> new int[] {RoomTips.recover(c), sentMessages.recover(c)});
    if (moved[0] + moved[1] > 0) {
      log.info("wrote the tips of {} rooms and the client message ids of {} lines the last run "
          + "left unwritten", moved[0], moved[1]);
    }
  }

  /**
   * Writes what waits in memory: the rooms' tips ({@link RoomTips}), then the client message ids
   * ({@link SentMessages}) in groups, each its own transaction, and stops between groups when a
   * room waits for the store (the rest waits for the next call, or is written by a line at the
   * cap). A running server's {@link Checkpointer} calls it before each checkpoint.
   *
   * @return rows written: rooms and ids
   * @throws StoreException if the store cannot be written (the rest still wait)
   */
  public int writeWaiting() throws StoreException {
    return writeWaiting(true);
  }

  private int writeWaiting(boolean giveWay) throws StoreException {
    int written = 0;
    if (holds(roomTips::anyUnwritten)) { // an idle store opens no transaction
      written += write("write the rooms' tips", Durability.PROCESS_CRASH, roomTips::write);
    }
    for (int group = 0; group <= SentMessages.WAITING_MAX / SentMessages.WRITE_GROUP; group++) {
      if (!holds(sentMessages::anyWaiting) || (giveWay && lock.hasQueuedThreads())) {
        break;
      }
      int n = write("write client message ids", Durability.PROCESS_CRASH, sentMessages::write);
      written += n;
      if (n < SentMessages.WRITE_GROUP) {
        break;
      }
    }
    return written;
  }

  /** Asks {@code check} of what the views keep in memory, under the lock that guards it. */
  private boolean holds(BooleanSupplier check) {
    lock.lock();
    try {
      return check.getAsBoolean();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts checkpointing this store from a thread and a connection of their own (a running
   * server does, so that no commit pays for a checkpoint), writing what waits in memory before
   * each checkpoint ({@link #writeWaiting}); close it before the store.
   *
   * @throws StoreException if the second connection cannot be opened
   */
  public Checkpointer startCheckpointer() throws StoreException {
    return Checkpointer.start(file, connect(file), this::writeWaiting);
  }

  /** The file behind this store. */
  public Path file() {
    return file;
  }

  /**
   * The rooms' stored events and the record of which client messages arrived, kept by {@code
   * retention}; one view per server, sharing this store's connection and lock.
   */
  public History history(Retention retention) {
    requireRooms();
    return new History(this, sentMessages, roomTips, retention, clock);
  }

  /**
   * Direct messages waiting for recipients who are away, kept by {@code retention}; one view
   * per server, sharing this store's connection and lock.
   */
  public OfflineDms offlineDms(Retention retention) {
    requireRooms();
    return new OfflineDms(this, sentMessages, retention, clock);
  }

  /** Rooms and DMs need the crash's leftovers written first, which an admin's store skips. */
  private void requireRooms() {
    if (!rooms) {
      throw new IllegalStateException("a store opened for an admin command has no rooms or DMs");
    }
  }

  /**
   * The end-to-end keys clients published, the newest per identity; one view per server,
   * sharing this store's connection and lock.
   */
  public E2eKeys e2eKeys() {
    return new E2eKeys(this, clock);
  }

  /**
   * Binds {@code name} to {@code key} if the name is free, the key holds no other name, and no
   * other key is allowed in under that name. A key that owns the name already gets its
   * last-seen time updated, unless the time stored is less than a minute old.
   *
   * @throws IllegalArgumentException if {@code name} breaks the name rules or the key is not 32
   *     bytes
   * @throws StoreException if the store cannot be read or written
   */
  public BindResult bind(String name, byte[] key) throws StoreException {
    String skeleton = skeletonOf(name);
    byte[] owner = checkKey(key);
    long now = clock.millis();
    // A key coming back under its own name changes only its last-seen time, which is kept to
    // the minute: within a minute of the time stored it is only read. Otherwise that commit
    // needs no fsync (a power loss can only make the time older). Both were one per session
    // (issue 12). A new or moved binding is what a power loss must not undo, so it stays FULL;
    // a new one skips the returning key's write, which would find nothing to change.
    Optional<NameBinding> seen = read("look up a name", c -> bindingBy(c, "skeleton", skeleton));
    if (seen.isPresent() && Bytes.constantTimeEquals(seen.get().key(), owner)) {
      if (seenRecently(seen.get(), now)) {
        return new BindResult.AlreadyYours(seen.get());
      }
      Optional<BindResult> returning = write("record when a key was seen",
          Durability.PROCESS_CRASH, c -> returning(c, skeleton, owner, now));
      if (returning.isPresent()) {
        return returning.get();
      }
    }
    return write("bind a name", Durability.POWER_LOSS, c -> {
      Optional<NameBinding> bound = bindingBy(c, "skeleton", skeleton);
      if (bound.isPresent()) {
        NameBinding b = bound.get();
        if (!Bytes.constantTimeEquals(b.key(), owner)) {
          return new BindResult.BoundToOther(b.fingerprint());
        }
        setLastSeen(c, owner, now);
        return new BindResult.AlreadyYours(
            new NameBinding(b.name(), owner, b.boundAt(), Instant.ofEpochMilli(now)));
      }
      Optional<KeyFingerprint> keptFor = keptFor(c, skeleton);
      if (keptFor.isPresent() && !keptFor.get().matches(owner)) {
        return new BindResult.BoundToOther(keptFor.get().toString());
      }
      Optional<NameBinding> held = bindingBy(c, "client_key", owner);
      if (held.isPresent()) {
        return new BindResult.KeyHasOtherName(held.get().name());
      }
      Sql.execute(c, "INSERT INTO name_binding (skeleton, " + BINDING_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?)", skeleton, name, owner, now, now);
      Instant at = Instant.ofEpochMilli(now);
      return new BindResult.Bound(new NameBinding(name, owner, at, at));
    });
  }

  /**
   * In a write transaction: if {@code owner} owns the name with {@code skeleton}, records that it
   * was seen {@code now} and answers {@link BindResult.AlreadyYours}; otherwise changes nothing.
   */
  private static Optional<BindResult> returning(Connection c, String skeleton, byte[] owner,
      long now) throws SQLException {
    Optional<NameBinding> bound = bindingBy(c, "skeleton", skeleton);
    if (bound.isEmpty() || !Bytes.constantTimeEquals(bound.get().key(), owner)) {
      return Optional.empty();
    }
    NameBinding b = bound.get();
    setLastSeen(c, owner, now);
    return Optional.of(new BindResult.AlreadyYours(
        new NameBinding(b.name(), owner, b.boundAt(), Instant.ofEpochMilli(now))));
  }

  /**
   * Whether another key owns {@code name} (bound to it, or kept for it on the allowlist), and if
   * not, whether {@link #bind} would still write anything. Only reads: a server asks this before
   * it knows whether the name is free in the room too.
   *
   * @throws IllegalArgumentException if {@code name} breaks the name rules or the key is not 32
   *     bytes
   * @throws StoreException if the store cannot be read
   */
  public NameCheck check(String name, byte[] key) throws StoreException {
    String skeleton = skeletonOf(name);
    byte[] owner = checkKey(key);
    long now = clock.millis();
    return read("look up a name", c -> {
      Optional<NameBinding> bound = bindingBy(c, "skeleton", skeleton);
      Optional<String> other =
          otherOwner(c, skeleton, bound, Optional.of(KeyFingerprint.of(owner)));
      if (other.isPresent()) {
        return new NameCheck.BoundToOther(other.get());
      }
      // no other owner: a binding, if any, is this key's
      return bound.isPresent() && seenRecently(bound.get(), now)
          ? new NameCheck.Recorded() : new NameCheck.Yours();
    });
  }

  /**
   * The binding of the name with {@code name}'s skeleton, if a key owns it: where a DM to
   * someone who is not connected is kept for.
   *
   * @throws IllegalArgumentException if {@code name} breaks the name rules
   * @throws StoreException if the store cannot be read
   */
  public Optional<NameBinding> binding(String name) throws StoreException {
    String skeleton = skeletonOf(name);
    return read("look up a name", c -> bindingBy(c, "skeleton", skeleton));
  }

  /**
   * Moves {@code key}'s binding to {@code newName} in one transaction: the old name is free the
   * moment the new one is bound, and never both or neither.
   *
   * @throws IllegalArgumentException if {@code newName} breaks the name rules or the key is not
   *     32 bytes
   * @throws StoreException if the store cannot be read or written
   */
  public RenameResult rename(byte[] key, String newName) throws StoreException {
    String skeleton = skeletonOf(newName);
    byte[] owner = checkKey(key);
    long now = clock.millis();
    return write("rename", Durability.POWER_LOSS, c -> {
      Optional<NameBinding> held = bindingBy(c, "client_key", owner);
      if (held.isEmpty()) {
        return new RenameResult.NotBound();
      }
      Optional<NameBinding> bound = bindingBy(c, "skeleton", skeleton);
      if (bound.isPresent() && !Bytes.constantTimeEquals(bound.get().key(), owner)) {
        return new RenameResult.BoundToOther(bound.get().fingerprint());
      }
      Optional<KeyFingerprint> keptFor = keptFor(c, skeleton);
      if (keptFor.isPresent() && !keptFor.get().matches(owner)) {
        return new RenameResult.BoundToOther(keptFor.get().toString());
      }
      try (PreparedStatement update = c.prepareStatement("UPDATE name_binding "
          + "SET skeleton = ?, name = ?, last_seen = ? WHERE client_key = ?")) {
        Sql.bindAll(update, skeleton, newName, now, owner);
        update.executeUpdate();
      }
      NameBinding old = held.get();
      return new RenameResult.Renamed(old.name(),
          new NameBinding(newName, owner, old.boundAt(), Instant.ofEpochMilli(now)));
    });
  }

  /**
   * Frees {@code name}, whichever key held it.
   *
   * @throws IllegalArgumentException if {@code name} breaks the name rules
   * @throws StoreException if the store cannot be read or written
   */
  public ReleaseResult release(String name) throws StoreException {
    String skeleton = skeletonOf(name);
    return write("release a name", Durability.POWER_LOSS, c -> {
      Optional<NameBinding> bound = bindingBy(c, "skeleton", skeleton);
      if (bound.isEmpty()) {
        return new ReleaseResult.NotBound();
      }
      try (PreparedStatement delete =
          c.prepareStatement("DELETE FROM name_binding WHERE skeleton = ?")) {
        Sql.bindAll(delete, skeleton);
        delete.executeUpdate();
      }
      return new ReleaseResult.Released(bound.get());
    });
  }

  /**
   * Records that {@code key} was seen now.
   *
   * @return false when the key holds no name
   * @throws StoreException if the store cannot be written
   */
  public boolean touch(byte[] key) throws StoreException {
    byte[] owner = checkKey(key);
    long now = clock.millis();
    return write("record when a key was seen", Durability.POWER_LOSS,
        c -> setLastSeen(c, owner, now));
  }

  /**
   * Puts the key with {@code fingerprint} on the allowlist, keeping {@code name} for it when
   * given (no other key may then bind that name). Allowing a key again replaces its name when
   * one is given and keeps it otherwise.
   *
   * @throws IllegalArgumentException if {@code name} breaks the name rules
   * @throws StoreException if the store cannot be read or written
   */
  public AllowResult allow(KeyFingerprint fingerprint, Optional<String> name)
      throws StoreException {
    Optional<String> skeleton = name.map(Store::skeletonOf);
    long now = clock.millis();
    return write("allow a key", Durability.POWER_LOSS, c -> {
      if (skeleton.isPresent()) {
        Optional<String> owner = otherOwner(c, skeleton.get(), Optional.of(fingerprint));
        if (owner.isPresent()) {
          return new AllowResult.NameTaken(owner.get());
        }
      }
      return Allowlist.upsert(c, fingerprint, name, skeleton, now);
    });
  }

  /**
   * Makes a join-code invite with a fresh code under a free invite number: live for {@code
   * valid}, for {@code uses} joins, keeping {@code name} (if given) for whoever redeems it.
   *
   * @throws IllegalArgumentException if {@code name} breaks the name rules, {@code valid} is not
   *     positive or {@code uses} is below 1
   * @throws StoreException if the store cannot be read or written
   */
  public InviteResult createInvite(Optional<String> name, Duration valid, int uses,
      SecureRandom random) throws StoreException {
    Optional<String> skeleton = name.map(Store::skeletonOf);
    if (valid.isNegative() || valid.isZero() || uses < 1) {
      throw new IllegalArgumentException("an invite needs a positive lifetime and 1 use or more");
    }
    long now = clock.millis();
    return write("make an invite", Durability.POWER_LOSS, c -> {
      if (skeleton.isPresent()) {
        Optional<String> owner = otherOwner(c, skeleton.get(), Optional.empty());
        if (owner.isPresent()) {
          return new InviteResult.NameTaken(owner.get());
        }
      }
      Optional<Integer> number = Invites.freeNumber(c, now, random);
      if (number.isEmpty()) {
        return new InviteResult.NoFreeNumber();
      }
      Invite invite = new Invite(JoinCode.random(number.get(), random), name,
          Instant.ofEpochMilli(now), Instant.ofEpochMilli(now).plus(valid), uses, 0);
      Invites.insert(c, invite);
      return new InviteResult.Created(invite);
    });
  }

  /**
   * The live invite with {@code number}, whose code the server runs the exchange with; empty
   * when there is none (the server then runs it with a decoy code, see {@code JoinCodeServer}).
   *
   * @throws StoreException if the store cannot be read
   */
  public Optional<Invite> findLiveInvite(int number) throws StoreException {
    long now = clock.millis();
    return read("find an invite", c -> Invites.find(c, number, now)
        .filter(row -> row.dead().isEmpty())
        .map(Invites.Row::invite));
  }

  /**
   * Every live invite, soonest to expire first.
   *
   * @throws StoreException if the store cannot be read
   */
  public List<Invite> listLiveInvites() throws StoreException {
    long now = clock.millis();
    return read("list the invites", c -> Invites.live(c, now));
  }

  /**
   * Ends the live invite with {@code number}; with {@code code} given, only if it is that
   * invite's code (so a stale code never revokes the newer invite that took its number).
   *
   * @throws StoreException if the store cannot be read or written
   */
  public RevokeResult revokeInvite(int number, Optional<JoinCode> code) throws StoreException {
    long now = clock.millis();
    return write("revoke an invite", Durability.POWER_LOSS, c -> {
      Optional<Invites.Row> row = Invites.find(c, number, now);
      if (row.isEmpty() || row.get().dead().isPresent()
          || (code.isPresent() && !code.get().matches(row.get().invite().code()))) {
        return new RevokeResult.NotLive();
      }
      Invites.set(c, number, "revoked_at", now);
      return new RevokeResult.Revoked(row.get().invite());
    });
  }

  /**
   * Records that a client proved it holds {@code code}: if the invite is still live, in one
   * transaction, takes one use and puts {@code clientKey} on the allowlist, with the invite's
   * name kept for it when that name is still free for this key.
   *
   * @throws IllegalArgumentException if the key is not 32 bytes
   * @throws StoreException if the store cannot be read or written
   */
  public Redemption redeemMatch(JoinCode code, byte[] clientKey) throws StoreException {
    byte[] key = checkKey(clientKey);
    KeyFingerprint fingerprint = KeyFingerprint.of(key);
    long now = clock.millis();
    return write("redeem an invite", Durability.POWER_LOSS, c -> {
      Optional<Invites.Row> row = Invites.find(c, code.number(), now);
      Optional<Redemption> dead = deadOrGone(row, code);
      if (dead.isPresent()) {
        return dead.get();
      }
      Invite invite = row.get().invite();
      Invites.set(c, code.number(), "uses_left", invite.usesLeft() - 1L);
      Optional<String> name = invite.name();
      if (name.isPresent()
          && otherOwner(c, Names.skeleton(name.get()), Optional.of(fingerprint)).isPresent()) {
        name = Optional.empty(); // the name went to another key since: allow the key anyway
      }
      AllowResult allowed =
          Allowlist.upsert(c, fingerprint, name, name.map(Names::skeleton), now);
      AllowEntry entry = switch (allowed) {
        case AllowResult.Added a -> a.entry();
        case AllowResult.Updated u -> u.entry();
        case AllowResult.NameTaken t -> throw new IllegalStateException("checked above");
      };
      return new Redemption.Matched(entry, invite.name(), invite.usesLeft() - 1);
    });
  }

  /**
   * Records that a client tried {@code code}'s invite number with another code: counts one
   * failure, and the third burns the invite.
   *
   * @throws StoreException if the store cannot be read or written
   */
  public Redemption redeemFailure(JoinCode code) throws StoreException {
    long now = clock.millis();
    return write("count a failed invite", Durability.POWER_LOSS, c -> {
      Optional<Invites.Row> row = Invites.find(c, code.number(), now);
      Optional<Redemption> dead = deadOrGone(row, code);
      if (dead.isPresent()) {
        return dead.get();
      }
      int failures = row.get().invite().failures() + 1;
      Invites.set(c, code.number(), "failures", failures);
      return new Redemption.Failed(Invite.MAX_FAILURES - failures);
    });
  }

  /** Why the invite {@code code} named cannot be redeemed now, or empty when it can. */
  private static Optional<Redemption> deadOrGone(Optional<Invites.Row> row, JoinCode code) {
    // another code under the same number is a newer invite: the one the client tried is gone
    if (row.isEmpty() || !row.get().invite().code().matches(code)) {
      return Optional.of(new Redemption.Unknown());
    }
    return row.get().dead();
  }

  /**
   * Takes the key with {@code fingerprint} off the allowlist.
   *
   * @return false when it was not on it
   * @throws StoreException if the store cannot be written
   */
  public boolean deny(KeyFingerprint fingerprint) throws StoreException {
    return write("deny a key", Durability.POWER_LOSS, c -> {
      try (PreparedStatement delete =
          c.prepareStatement("DELETE FROM allowlist WHERE fingerprint = ?")) {
        Sql.bindAll(delete, (Object) fingerprint.bytes());
        return delete.executeUpdate() > 0;
      }
    });
  }

  /**
   * True when {@code key}'s fingerprint is on the allowlist.
   *
   * @throws StoreException if the store cannot be read
   */
  public boolean isAllowed(byte[] key) throws StoreException {
    KeyFingerprint fingerprint = KeyFingerprint.of(checkKey(key));
    return read("check the allowlist",
        c -> Allowlist.find(c, fingerprint).isPresent());
  }

  /**
   * Every allowlist entry, oldest first.
   *
   * @throws StoreException if the store cannot be read
   */
  public List<AllowEntry> listAllowed() throws StoreException {
    return read("list the allowlist", Allowlist::all);
  }

  /**
   * Every bound name, in skeleton order.
   *
   * @throws StoreException if the store cannot be read
   */
  public List<NameBinding> listNames() throws StoreException {
    return read("list the names", c -> {
      List<NameBinding> all = new ArrayList<>();
      try (PreparedStatement select = c.prepareStatement(
          "SELECT " + BINDING_COLUMNS + " FROM name_binding ORDER BY skeleton");
          ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          all.add(binding(rows));
        }
      }
      return all;
    });
  }

  /**
   * SQLite's {@code PRAGMA data_version} on this store's connection: it changes whenever
   * another connection (another process) has committed, and not for this store's own writes.
   *
   * @throws StoreException if the store cannot be read
   */
  public long dataVersion() throws StoreException {
    lock.lock();
    try {
      ensureOpen();
      try (Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("PRAGMA data_version")) {
        row.next();
        return row.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException(file,
          "cannot read the store's version (" + SqliteErrors.explain(e) + ")", e);
    } finally {
      lock.unlock();
    }
  }

  /** Closes the connection; later calls fail with {@link IllegalStateException}. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        try {
          writeWaiting(false);
        } catch (StoreException e) { // it is in the event rows: the next open writes it
          log.warn("cannot write the rooms' tips and client message ids that wait: {}",
              e.getMessage());
        }
        closed = true;
        closeQuietly(connection);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public <T> T write(String what, Durability durability, Work<T> work) throws StoreException {
    // IMMEDIATE takes the write lock at once: a deferred transaction that reads, then writes,
    // can fail with SQLITE_BUSY without waiting when another process wrote in between
    return transaction("BEGIN IMMEDIATE", Optional.of(durability), what, work);
  }

  @Override
  public <T> T read(String what, Work<T> work) throws StoreException {
    return transaction("BEGIN", Optional.empty(), what, work);
  }

  private <T> T transaction(String begin, Optional<Durability> durability, String what,
      Work<T> work) throws StoreException {
    lock.lock();
    try {
      ensureOpen();
      if (durability.isPresent() && durability.get() != synchronous) {
        // SQLite ignores a change of synchronous inside a transaction: set it before BEGIN (kept
        // compiled: a join storm switches between a binding's FULL and notices' NORMAL often)
        Sql.prepared(connection, durability.get().pragma()).execute();
        synchronous = durability.get();
      }
      Sql.prepared(connection, begin).execute(); // kept compiled, as every statement of a write
      try {
        T result = work.run(connection);
        Sql.prepared(connection, "COMMIT").execute();
        rollbackLog.committed();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollback(connection, e);
        rollbackLog.rolledBack();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(file, "cannot " + what + " (" + SqliteErrors.explain(e) + ")", e);
    } finally {
      lock.unlock();
    }
  }

  private static void rollback(Connection connection, Exception cause) {
    try (Statement statement = connection.createStatement()) {
      statement.execute("ROLLBACK");
    } catch (SQLException e) {
      cause.addSuppressed(e); // SQLite may have rolled back already (a full disk, say)
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the store is closed");
    }
  }

  private static Optional<NameBinding> bindingBy(Connection c, String column, Object value)
      throws SQLException {
    // every JOIN runs these: kept compiled (Sql), the column is one of two names
    try (ResultSet row = Sql.query(c,
        "SELECT " + BINDING_COLUMNS + " FROM name_binding WHERE " + column + " = ?", value)) {
      return row.next() ? Optional.of(binding(row)) : Optional.empty();
    }
  }

  private static NameBinding binding(ResultSet row) throws SQLException {
    return new NameBinding(row.getString(1), row.getBytes(2),
        Instant.ofEpochMilli(row.getLong(3)), Instant.ofEpochMilli(row.getLong(4)));
  }

  /**
   * The fingerprint of a key other than {@code self} that owns the name with {@code skeleton}:
   * bound to it, or kept for it on the allowlist. With {@code self} empty, any owner counts.
   */
  private static Optional<String> otherOwner(Connection c, String skeleton,
      Optional<KeyFingerprint> self) throws SQLException {
    return otherOwner(c, skeleton, bindingBy(c, "skeleton", skeleton), self);
  }

  /** As {@link #otherOwner(Connection, String, Optional)}, with the name's binding read. */
  private static Optional<String> otherOwner(Connection c, String skeleton,
      Optional<NameBinding> bound, Optional<KeyFingerprint> self) throws SQLException {
    if (bound.isPresent()
        && !self.map(f -> f.matches(bound.get().key())).orElse(false)) {
      return Optional.of(bound.get().fingerprint());
    }
    Optional<KeyFingerprint> keptFor = keptFor(c, skeleton);
    if (keptFor.isPresent() && !self.map(keptFor.get()::equals).orElse(false)) {
      return Optional.of(keptFor.get().toString());
    }
    return Optional.empty();
  }

  /** The allowed key that {@code skeleton} is kept for, if any. */
  private static Optional<KeyFingerprint> keptFor(Connection c, String skeleton)
      throws SQLException {
    try (ResultSet row =
        Sql.query(c, "SELECT fingerprint FROM allowlist WHERE name_skeleton = ?", skeleton)) {
      return row.next()
          ? Optional.of(KeyFingerprint.fromBytes(row.getBytes(1)))
          : Optional.empty();
    }
  }

  /** Whether {@code binding}'s last-seen time is less than a minute before {@code now}. */
  private static boolean seenRecently(NameBinding binding, long now) {
    long since = now - binding.lastSeen().toEpochMilli();
    return since >= 0 && since < LAST_SEEN_RESOLUTION_MILLIS;
  }

  private static boolean setLastSeen(Connection c, byte[] key, long now) throws SQLException {
    return Sql.execute(c, "UPDATE name_binding SET last_seen = ? WHERE client_key = ?", now,
        key) > 0;
  }

  private static String skeletonOf(String name) {
    Names.problem(name).ifPresent(problem -> {
      throw new IllegalArgumentException("not a valid name: " + problem);
    });
    return Names.skeleton(name);
  }

  private static byte[] checkKey(byte[] key) {
    if (key.length != Ed25519.KEY_SIZE) {
      throw new IllegalArgumentException("a client key is 32 bytes, not " + key.length);
    }
    return key.clone();
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing is left to save: every write committed or rolled back before this
    }
  }
}
