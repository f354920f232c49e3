package dev.lanchat.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.pake.JoinCode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Join-code invites in the store: made, listed, redeemed, burned, expired and revoked. */
class InviteStoreTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

  @TempDir
  Path dir;

  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-06T01:00:00Z"));
  private Store store;

  private static byte[] key(int n) {
    byte[] key = new byte[32];
    new Random(n).nextBytes(key);
    return key;
  }

  @BeforeEach
  void open() throws Exception {
    store = Store.open(dir.resolve("server.db"), clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Invite create(Optional<String> name, int uses) throws Exception {
    return assertInstanceOf(InviteResult.Created.class,
        store.createInvite(name, TEN_MINUTES, uses, RANDOM)).invite();
  }

  @Test
  void aNewInviteIsLiveListedAndFoundByItsNumber() throws Exception {
    Invite invite = create(Optional.of("bob"), 1);
    assertEquals(clock.instant().plus(TEN_MINUTES), invite.expiresAt());
    assertEquals(1, store.listLiveInvites().size());
    Invite found = store.findLiveInvite(invite.code().number()).orElseThrow();
    assertTrue(found.code().matches(invite.code()));
    assertEquals(Optional.of("bob"), found.name());
  }

  @Test
  void aMatchTakesOneUseAndAllowsTheKeyWithTheInvitesName() throws Exception {
    Invite invite = create(Optional.of("bob"), 1);
    Redemption.Matched matched = assertInstanceOf(Redemption.Matched.class,
        store.redeemMatch(invite.code(), key(1)));
    assertEquals(Optional.of("bob"), matched.entry().name());
    assertEquals(0, matched.usesLeft());
    assertTrue(store.isAllowed(key(1)));
    assertEquals(new BindResult.BoundToOther(matched.entry().fingerprint().toString()),
        store.bind("bob", key(2)), "the invite's name is kept for the key that redeemed it");
    assertInstanceOf(Redemption.UsedUp.class, store.redeemMatch(invite.code(), key(3)));
    assertFalse(store.isAllowed(key(3)));
    assertTrue(store.listLiveInvites().isEmpty());
  }

  @Test
  void aCodeWithUsesLeftWorksExactlyThatManyTimes() throws Exception {
    Invite invite = create(Optional.empty(), 3);
    for (int i = 1; i <= 3; i++) {
      assertEquals(3 - i, assertInstanceOf(Redemption.Matched.class,
          store.redeemMatch(invite.code(), key(i))).usesLeft());
      assertTrue(store.isAllowed(key(i)));
    }
    assertInstanceOf(Redemption.UsedUp.class, store.redeemMatch(invite.code(), key(4)));
    assertFalse(store.isAllowed(key(4)));
  }

  @Test
  void threeFailuresBurnTheInviteAndTheRightCodeThenFailsToo() throws Exception {
    Invite invite = create(Optional.empty(), 5);
    assertEquals(new Redemption.Failed(2), store.redeemFailure(invite.code()));
    assertEquals(new Redemption.Failed(1), store.redeemFailure(invite.code()));
    assertTrue(store.findLiveInvite(invite.code().number()).isPresent());
    assertEquals(new Redemption.Failed(0), store.redeemFailure(invite.code()));
    assertTrue(store.findLiveInvite(invite.code().number()).isEmpty());
    assertInstanceOf(Redemption.Burned.class, store.redeemMatch(invite.code(), key(1)));
    assertInstanceOf(Redemption.Burned.class, store.redeemFailure(invite.code()));
    assertFalse(store.isAllowed(key(1)));
  }

  @Test
  void anExpiredInviteIsRefused() throws Exception {
    Invite invite = create(Optional.empty(), 1);
    clock.advance(TEN_MINUTES);
    assertTrue(store.findLiveInvite(invite.code().number()).isEmpty());
    assertTrue(store.listLiveInvites().isEmpty());
    assertInstanceOf(Redemption.Expired.class, store.redeemMatch(invite.code(), key(1)));
    assertFalse(store.isAllowed(key(1)));
  }

  @Test
  void aRevokedInviteIsRefusedAndOnlyItsOwnCodeRevokesIt() throws Exception {
    Invite invite = create(Optional.empty(), 1);
    int number = invite.code().number();
    JoinCode other = otherWords(invite.code());
    assertInstanceOf(RevokeResult.NotLive.class, store.revokeInvite(number, Optional.of(other)));
    assertTrue(store.findLiveInvite(number).isPresent());
    assertInstanceOf(RevokeResult.Revoked.class,
        store.revokeInvite(number, Optional.of(invite.code())));
    assertInstanceOf(RevokeResult.NotLive.class, store.revokeInvite(number, Optional.empty()));
    assertInstanceOf(Redemption.Revoked.class, store.redeemMatch(invite.code(), key(1)));
    assertFalse(store.isAllowed(key(1)));
  }

  @Test
  void aCodeNoInviteHoldsIsUnknownAndCountsNothing() throws Exception {
    Invite invite = create(Optional.empty(), 1);
    JoinCode stranger = otherWords(invite.code());
    assertInstanceOf(Redemption.Unknown.class, store.redeemMatch(stranger, key(1)));
    assertInstanceOf(Redemption.Unknown.class, store.redeemFailure(stranger));
    assertEquals(0, store.findLiveInvite(invite.code().number()).orElseThrow().failures());
    int unused = (invite.code().number() + 1) % 100;
    assertInstanceOf(Redemption.Unknown.class,
        store.redeemMatch(JoinCode.random(unused, RANDOM), key(1)));
    assertFalse(store.isAllowed(key(1)));
  }

  @Test
  void aDeadInvitesNumberGoesToANewInviteAndTheOldCodeIsThenUnknown() throws Exception {
    Invite first = create(Optional.empty(), 1);
    store.revokeInvite(first.code().number(), Optional.empty());
    Set<Integer> numbers = new HashSet<>();
    Invite reuse = null;
    for (int i = 0; i < 100; i++) {
      Invite next = create(Optional.empty(), 1);
      numbers.add(next.code().number());
      if (next.code().number() == first.code().number()) {
        reuse = next;
      }
    }
    assertEquals(100, numbers.size(), "100 live invites take all 100 numbers");
    assertInstanceOf(InviteResult.NoFreeNumber.class,
        store.createInvite(Optional.empty(), TEN_MINUTES, 1, RANDOM));
    assertTrue(reuse != null && !reuse.code().matches(first.code()));
    assertInstanceOf(Redemption.Unknown.class, store.redeemMatch(first.code(), key(1)));
    assertInstanceOf(Redemption.Matched.class, store.redeemMatch(reuse.code(), key(1)));
  }

  @Test
  void anInviteForANameThatBelongsToAnotherKeyIsRefused() throws Exception {
    store.bind("alice", key(1));
    assertInstanceOf(InviteResult.NameTaken.class,
        store.createInvite(Optional.of("Alice"), TEN_MINUTES, 1, RANDOM));
    assertTrue(store.listLiveInvites().isEmpty());
  }

  @Test
  void aNameTakenMeanwhileStillLetsTheKeyInWithoutTheName() throws Exception {
    Invite invite = create(Optional.of("bob"), 1);
    store.bind("bob", key(9));
    Redemption.Matched matched = assertInstanceOf(Redemption.Matched.class,
        store.redeemMatch(invite.code(), key(1)));
    assertEquals(Optional.empty(), matched.entry().name());
    assertEquals(Optional.of("bob"), matched.invitedName());
    assertTrue(store.isAllowed(key(1)));
  }

  @Test
  void aStoreAtSchemaVersion1GainsTheInviteTable() throws Exception {
    store.close();
    Path old = dir.resolve("old.db");
    Store.open(old, clock).close(); // a file with the right mode, then rebuilt at version 1
    OlderStore.rewind(old, 1, Stream.of(Stream.of("DROP TABLE invite"),
        OlderStore.drop(HistoryTest.STEP_3_TABLES), OlderStore.drop(HistoryTest.STEP_5_TABLES))
        .flatMap(s -> s).toList());
    store = Store.open(old, clock);
    create(Optional.empty(), 1);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old);
        Statement s = c.createStatement();
        ResultSet version = s.executeQuery("PRAGMA user_version")) {
      assertEquals(Migrations.LATEST, version.getInt(1));
      assertEquals(8, Migrations.LATEST);
    }
  }

  private static JoinCode otherWords(JoinCode code) {
    JoinCode other;
    do {
      other = JoinCode.random(code.number(), RANDOM);
    } while (other.matches(code));
    return other;
  }

  /** A clock the test moves forward by hand. */
  private static final class MovableClock extends Clock {
    private Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this; // the store reads instants only
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
