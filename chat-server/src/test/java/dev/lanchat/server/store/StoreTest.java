package dev.lanchat.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Fingerprint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's rules: one name per key, one key per name, allowlist, files and schema. */
class StoreTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T01:00:00Z"),
      ZoneOffset.UTC);

  @TempDir
  Path dir;

  private Path file;
  private Store store;

  private static byte[] key(int n) {
    byte[] key = new byte[32];
    new Random(n).nextBytes(key);
    return key;
  }

  @BeforeEach
  void open() throws Exception {
    file = dir.resolve("home/.lanchat/server.db");
    store = Store.open(file, CLOCK);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aNewStoreIsOwnerOnlyInAnOwnerOnlyFolderInWalModeAtTheLatestVersion() throws Exception {
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    store.bind("alice", key(1));
    Path wal = file.resolveSibling(file.getFileName() + "-wal");
    assertTrue(Files.exists(wal), "the write-ahead log is there while the store is open");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(wal)),
        "SQLite gives its log the store's own mode");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      assertEquals("wal", s.executeQuery("PRAGMA journal_mode").getString(1));
      assertEquals(Migrations.LATEST, s.executeQuery("PRAGMA user_version").getInt(1));
    }
  }

  @Test
  void theFirstKeyToBindANameOwnsItAndAnotherKeyIsToldWhose() throws Exception {
    BindResult first = store.bind("Alice", key(1));
    assertInstanceOf(BindResult.Bound.class, first);
    assertEquals(new BindResult.BoundToOther(Fingerprint.of(key(1))), store.bind("alice", key(2)));
    assertEquals(new BindResult.BoundToOther(Fingerprint.of(key(1))), store.bind("A1ice", key(2)),
        "names are compared by skeleton");
    BindResult again = store.bind("ALICE", key(1));
    assertEquals("Alice", assertInstanceOf(BindResult.AlreadyYours.class, again).binding().name(),
        "the name keeps the spelling it was bound with");
  }

  @Test
  void aKeyHoldsOneNameAndMovesItOnlyByRenaming() throws Exception {
    store.bind("alice", key(1));
    assertEquals(new BindResult.KeyHasOtherName("alice"), store.bind("bob", key(1)));
    RenameResult renamed = store.rename(key(1), "al");
    assertEquals("alice", assertInstanceOf(RenameResult.Renamed.class, renamed).oldName());
    assertInstanceOf(BindResult.Bound.class, store.bind("alice", key(2)), "the old name is free");
    assertEquals(new BindResult.BoundToOther(Fingerprint.of(key(1))), store.bind("al", key(3)));
    assertEquals(new RenameResult.BoundToOther(Fingerprint.of(key(2))),
        store.rename(key(1), "alice"));
    assertEquals(new RenameResult.NotBound(), store.rename(key(9), "zed"));
    assertEquals(List.of("al", "alice"), store.listNames().stream().map(NameBinding::name).toList());
  }

  @Test
  void manyThreadsRacingForOneNameLeaveExactlyOneOwner() throws Exception {
    int threads = 16;
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    List<java.util.concurrent.Future<BindResult>> results = new java.util.ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < threads; i++) {
        byte[] key = key(i);
        results.add(pool.submit(() -> {
          start.await();
          return store.bind("alice", key);
        }));
      }
      start.countDown();
      int bound = 0;
      for (var result : results) {
        BindResult r = result.get(20, java.util.concurrent.TimeUnit.SECONDS);
        if (r instanceof BindResult.Bound) {
          bound++;
        } else {
          assertInstanceOf(BindResult.BoundToOther.class, r);
        }
      }
      assertEquals(1, bound);
    }
    assertEquals(1, store.listNames().size());
  }

  @Test
  void bindingsSurviveClosingAndReopening() throws Exception {
    store.bind("alice", key(1));
    store.close();
    store = Store.open(file, CLOCK);
    assertEquals(new BindResult.BoundToOther(Fingerprint.of(key(1))), store.bind("alice", key(2)));
  }

  @Test
  void releaseFreesANameForAnyKey() throws Exception {
    store.bind("alice", key(1));
    ReleaseResult released = store.release("ALICE");
    assertArrayEquals(key(1), assertInstanceOf(ReleaseResult.Released.class, released)
        .binding().key());
    assertEquals(new ReleaseResult.NotBound(), store.release("alice"));
    assertInstanceOf(BindResult.Bound.class, store.bind("alice", key(2)));
  }

  @Test
  void aReturningKeysLastSeenIsWrittenOnlyOnceItIsAMinuteOld() throws Exception {
    Path other = dir.resolve("returning.db");
    Instant start = CLOCK.instant();
    try (Store first = Store.open(other, CLOCK)) {
      assertInstanceOf(BindResult.Bound.class, first.bind("alice", key(1)));
    }
    Clock soon = Clock.offset(CLOCK, java.time.Duration.ofSeconds(59));
    try (Store s = Store.open(other, soon)) {
      assertEquals(start, assertInstanceOf(BindResult.AlreadyYours.class,
          s.bind("alice", key(1))).binding().lastSeen());
      assertEquals(start, s.listNames().get(0).lastSeen(), "read, not written");
    }
    Clock later = Clock.offset(CLOCK, java.time.Duration.ofSeconds(60));
    try (Store s = Store.open(other, later)) {
      assertEquals(later.instant(), assertInstanceOf(BindResult.AlreadyYours.class,
          s.bind("ALICE", key(1))).binding().lastSeen());
      assertEquals(later.instant(), s.listNames().get(0).lastSeen());
      assertEquals(new BindResult.BoundToOther(Fingerprint.of(key(1))), s.bind("alice", key(2)));
    }
    Clock earlier = Clock.offset(CLOCK, java.time.Duration.ofSeconds(-5));
    try (Store s = Store.open(other, earlier)) {
      s.bind("alice", key(1));
      assertEquals(earlier.instant(), s.listNames().get(0).lastSeen(),
          "a clock set back writes the time it reads");
    }
  }

  @Test
  void checkSaysWhetherAnotherKeyOwnsTheNameAndWhetherABindWouldWriteAnything()
      throws Exception {
    Path other = dir.resolve("check.db");
    try (Store s = Store.open(other, CLOCK)) {
      assertEquals(new NameCheck.Yours(), s.check("alice", key(1)), "free");
      s.bind("alice", key(1));
      assertEquals(new NameCheck.Recorded(), s.check("ALICE", key(1)), "just bound");
      assertEquals(new NameCheck.BoundToOther(Fingerprint.of(key(1))), s.check("alice", key(2)));
    }
    Clock later = Clock.offset(CLOCK, java.time.Duration.ofMinutes(1));
    try (Store s = Store.open(other, later)) {
      assertEquals(new NameCheck.Yours(), s.check("alice", key(1)), "a minute old: bind writes");
      s.bind("alice", key(1));
      assertEquals(new NameCheck.Recorded(), s.check("alice", key(1)));
      s.allow(KeyFingerprint.of(key(2)), Optional.of("carol"));
      assertEquals(new NameCheck.BoundToOther(KeyFingerprint.of(key(2)).toString()),
          s.check("carol", key(1)), "kept on the allowlist for another key");
      assertEquals(new NameCheck.Yours(), s.check("carol", key(2)));
    }
  }

  @Test
  void touchMovesLastSeenOfABoundKeyOnly() throws Exception {
    Path other = dir.resolve("other.db");
    try (Store early = Store.open(other, CLOCK)) {
      early.bind("alice", key(1));
    }
    Clock later = Clock.offset(CLOCK, java.time.Duration.ofHours(2));
    try (Store late = Store.open(other, later)) {
      assertTrue(late.touch(key(1)));
      assertFalse(late.touch(key(2)));
      NameBinding alice = late.listNames().get(0);
      assertEquals(CLOCK.instant(), alice.boundAt());
      assertEquals(later.instant(), alice.lastSeen());
    }
  }

  @Test
  void theAllowlistMatchesOnTheKeysFingerprint() throws Exception {
    KeyFingerprint alice = KeyFingerprint.of(key(1));
    assertFalse(store.isAllowed(key(1)));
    assertInstanceOf(AllowResult.Added.class,
        store.allow(KeyFingerprint.parse(alice.toString()), Optional.empty()));
    assertTrue(store.isAllowed(key(1)));
    assertFalse(store.isAllowed(key(2)));
    assertInstanceOf(AllowResult.Updated.class, store.allow(alice, Optional.of("alice")));
    assertEquals(Optional.of("alice"), store.listAllowed().get(0).name());
    assertTrue(store.deny(alice));
    assertFalse(store.deny(alice));
    assertFalse(store.isAllowed(key(1)));
  }

  @Test
  void aNameKeptOnTheAllowlistIsRefusedToEveryOtherKey() throws Exception {
    KeyFingerprint alice = KeyFingerprint.of(key(1));
    store.allow(alice, Optional.of("alice"));
    assertEquals(new BindResult.BoundToOther(alice.toString()), store.bind("Alice", key(2)));
    store.bind("bob", key(2));
    assertEquals(new RenameResult.BoundToOther(alice.toString()), store.rename(key(2), "alice"));
    assertInstanceOf(BindResult.Bound.class, store.bind("alice", key(1)));
    assertEquals(new AllowResult.NameTaken(alice.toString()),
        store.allow(KeyFingerprint.of(key(3)), Optional.of("ALICE")));
    assertEquals(new AllowResult.NameTaken(Fingerprint.of(key(2))),
        store.allow(KeyFingerprint.of(key(3)), Optional.of("bob")), "bob is bound to key 2");
    assertEquals(1, store.listAllowed().size(), "a refused allow changes nothing");
  }

  @Test
  void invalidNamesAndKeysAreTheCallersMistake() {
    assertThrows(IllegalArgumentException.class, () -> store.bind("-x", key(1)));
    assertThrows(IllegalArgumentException.class, () -> store.bind("x", new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> store.release("a b"));
  }

  @Test
  void aGroupReadableStoreIsRefusedAndLeftAsItIs() throws Exception {
    store.close();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    StoreException e = assertThrows(StoreException.class, () -> Store.open(file, CLOCK));
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void aFileThatIsNotADatabaseIsRefusedAndNeverReplaced() throws Exception {
    Path garbage = dir.resolve("garbage.db");
    byte[] content = "this is not a database, it is a shopping list\n".repeat(200)
        .getBytes(StandardCharsets.US_ASCII);
    Files.write(garbage, content);
    Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rw-------"));
    StoreException e = assertThrows(StoreException.class, () -> Store.open(garbage, CLOCK));
    assertTrue(e.getMessage().contains("not an SQLite database"), e.getMessage());
    assertTrue(e.getMessage().contains("left untouched"), e.getMessage());
    assertArrayEquals(content, Files.readAllBytes(garbage));
  }

  @Test
  void aStoreFromANewerLanChatIsRefusedWithItsVersion() throws Exception {
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = " + (Migrations.LATEST + 1));
    }
    StoreException e = assertThrows(StoreException.class, () -> Store.open(file, CLOCK));
    assertTrue(e.getMessage().contains("newer LanChat"), e.getMessage());
  }

  @Test
  void anotherApplicationsDatabaseIsNotTakenOver() throws Exception {
    Path foreign = dir.resolve("foreign.db");
    Files.createFile(foreign, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE recipes (name TEXT)");
    }
    StoreException e = assertThrows(StoreException.class, () -> Store.open(foreign, CLOCK));
    assertTrue(e.getMessage().contains("not a LanChat store"), e.getMessage());
  }

  @Test
  void aStoreWithADroppedTableIsRefusedAtOpening() throws Exception {
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE allowlist");
    }
    StoreException e = assertThrows(StoreException.class, () -> Store.open(file, CLOCK));
    assertTrue(e.getMessage().contains("cannot read the store"), e.getMessage());
  }

  @Test
  void anAdminCommandThatOnlyReadsOrRemovesDoesNotCreateAStore() {
    Path missing = dir.resolve("typo.db");
    StoreException e = assertThrows(StoreException.class,
        () -> Store.openForAdmin(missing, false, CLOCK));
    assertTrue(e.getMessage().contains("no store here"), e.getMessage());
    assertFalse(Files.exists(missing));
  }

  @Test
  void theSchemaIsPlainSqlThatAnotherConnectionReads() throws Exception {
    store.bind("alice", key(1));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      var row = s.executeQuery("SELECT name, length(client_key), skeleton FROM name_binding");
      assertEquals("alice", row.getString(1));
      assertEquals(32, row.getInt(2));
      assertEquals("allce", row.getString(3));
    }
  }

  @Test
  void fingerprintsParseOnlyInTheirCanonicalForm() {
    String good = Fingerprint.of(key(1));
    assertEquals(good, KeyFingerprint.parse(good).toString());
    assertThrows(IllegalArgumentException.class, () -> KeyFingerprint.parse("SHA256:abc"));
    assertThrows(IllegalArgumentException.class, () -> KeyFingerprint.parse(good.substring(7)));
    char last = good.charAt(good.length() - 1);
    // the last base64 character carries 4 padding bits; flipping one of them must be refused
    String stray = good.substring(0, good.length() - 1) + (char) (last ^ 1);
    if (java.util.Base64.getDecoder().decode(stray.substring(7) + "=").length == 32) {
      assertThrows(IllegalArgumentException.class, () -> KeyFingerprint.parse(stray));
    }
  }
}
