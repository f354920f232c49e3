package dev.lanchat.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHash;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.e2e.E2eKey;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end keys and rooms in the store (schema step 5). */
class E2eKeysStoreTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long LATER = 4_000_000_000_000L;

  @TempDir
  Path dir;

  private final HistoryTest.TestClock clock = new HistoryTest.TestClock();
  private Store store;

  @BeforeEach
  void open() throws Exception {
    store = Store.open(dir.resolve("server.db"), clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static E2eKey key(Identity owner, long serial) {
    byte[] x = new byte[32];
    RANDOM.nextBytes(x);
    return E2eKey.sign(owner, x, LATER, serial);
  }

  @Test
  void theNewestKeyPerIdentityIsKeptAndSurvivesAReopen() throws Exception {
    Identity alice = Identity.generate(RANDOM);
    Identity bob = Identity.generate(RANDOM);
    E2eKey first = key(alice, 1);
    E2eKey second = key(alice, 2);
    E2eKey bobs = key(bob, 7);
    assertInstanceOf(PublishResult.Stored.class, store.e2eKeys().publish(first));
    assertInstanceOf(PublishResult.Stored.class, store.e2eKeys().publish(second));
    assertInstanceOf(PublishResult.Stored.class, store.e2eKeys().publish(bobs));
    store.close();
    store = Store.open(dir.resolve("server.db"), clock);
    ByteString a = ByteString.copyOf(alice.publicKey());
    ByteString b = ByteString.copyOf(bob.publicKey());
    assertEquals(Optional.of(second), store.e2eKeys().of(a));
    assertEquals(Map.of(a, second, b, bobs), store.e2eKeys().of(List.of(a, b)));
    assertEquals(1, rows("e2e_key WHERE owner = x'" + a.hex() + "'"), "one row per identity");
  }

  @Test
  void aLowerSerialOrOtherBytesUnderTheSameSerialAreRefusedAndTheSameKeyAgainIsNot()
      throws Exception {
    Identity alice = Identity.generate(RANDOM);
    E2eKey two = key(alice, 2);
    store.e2eKeys().publish(two);
    assertEquals(2, assertInstanceOf(PublishResult.Older.class,
        store.e2eKeys().publish(key(alice, 1))).held());
    assertInstanceOf(PublishResult.Conflict.class, store.e2eKeys().publish(key(alice, 2)));
    assertInstanceOf(PublishResult.Unchanged.class, store.e2eKeys().publish(two));
    assertEquals(Optional.of(two), store.e2eKeys().of(ByteString.copyOf(alice.publicKey())));
  }

  @Test
  void anIdentityWithoutAKeyHasNone() throws Exception {
    ByteString nobody = ByteString.copyOf(Identity.generate(RANDOM).publicKey());
    assertEquals(Optional.empty(), store.e2eKeys().of(nobody));
    assertTrue(store.e2eKeys().of(List.of(nobody)).isEmpty());
  }

  @Test
  void anEndToEndRoomIsMadeOnceAndAPlainRoomNeverBecomesOne() throws Exception {
    History history = store.history(Retention.defaults());
    StoredRoom made = history.createEndToEnd("#Ops");
    assertEquals(new StoredRoom("#Ops", 0, ChainHash.genesis("#Ops").head(), "", true), made);
    assertEquals(Optional.of(made), history.room("#ops"), "kept under its first spelling");
    AppendResult first = history.append(RoomEventDraft.ofServer("#Ops", 1, HistoryTest.JOINED),
        (id, head) -> new byte[1]);
    assertEquals(1, assertInstanceOf(AppendResult.Appended.class, first).event().eventId(),
        "its first event is event 1");
    history.append(RoomEventDraft.ofServer("#plain", 1, HistoryTest.JOINED),
        (id, head) -> new byte[1]);
    assertEquals(false, history.createEndToEnd("#plain").endToEnd(),
        "a room the store keeps as plain stays plain");
    store.close();
    store = Store.open(dir.resolve("server.db"), clock);
    history = store.history(new Retention(0, Optional.empty()));
    assertTrue(history.room("#OPS").orElseThrow().endToEnd(), "the flag survives a restart");
    assertEquals(false, history.room("#plain").orElseThrow().endToEnd());
  }

  @Test
  void aStoreAtSchemaVersion4GainsTheKeysAndItsRoomsArePlain() throws Exception {
    History history = store.history(Retention.defaults());
    history.append(RoomEventDraft.ofServer("#old", 1, HistoryTest.JOINED),
        (id, head) -> new byte[1]);
    store.close();
    OlderStore.rewind(store.file(), 4, Stream.concat(HistoryTest.STEPS_7_AND_8_UNDO.stream(),
        Stream.of("ALTER TABLE room_head DROP COLUMN end_to_end", "DROP TABLE e2e_key")).toList());
    store = Store.open(store.file(), clock);
    assertEquals(false, store.history(Retention.defaults()).room("#old").orElseThrow()
        .endToEnd());
    Identity alice = Identity.generate(RANDOM);
    assertInstanceOf(PublishResult.Stored.class, store.e2eKeys().publish(key(alice, 1)));
  }

  private int rows(String tableAndWhere) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file());
        Statement s = c.createStatement();
        var n = s.executeQuery("SELECT count(*) FROM " + tableAndWhere)) {
      return n.getInt(1);
    }
  }
}
