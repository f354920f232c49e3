package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Names server-wide, in memory: JOIN's checks over every logged-in client, NICK moving a key's
 * binding, and a name free again once its holder is gone.
 */
class LobbyTest {
  /** A binder that remembers one name per key, as the store does. */
  static final class MapBinder implements NameBinder {
    final Map<String, ByteString> byName = new HashMap<>();
    volatile boolean broken;
    /** Whether {@link #check} answers Recorded for a key's own name, as a store does soon after. */
    volatile boolean recordsOwnNames;
    int binds;

    @Override
    public Verdict check(String name, ByteString key) {
      if (broken) {
        return new Verdict.Unavailable();
      }
      ByteString owner = byName.get(dev.lanchat.common.rules.Names.skeleton(name));
      if (owner != null && owner.equals(key) && recordsOwnNames) {
        return new Verdict.Recorded();
      }
      return owner == null || owner.equals(key) ? new Verdict.Yours() : new Verdict.BoundToOther();
    }

    @Override
    public synchronized Verdict bind(String name, ByteString key) {
      binds++;
      Verdict v = check(name, key);
      if (v instanceof Verdict.Yours) {
        byName.values().removeIf(key::equals);
        byName.put(dev.lanchat.common.rules.Names.skeleton(name), key);
      }
      return v;
    }
  }

  private final NameRegistry names = new NameRegistry();
  private final MapBinder binder = new MapBinder();
  private final Lobby lobby = new Lobby(names, binder);
  private final Subscriber nobody = new RoomTest.FakeSubscriber(() -> false);

  private Member login(String name) {
    Member m = assertInstanceOf(JoinResult.Joined.class,
        lobby.login(nobody, name, RoomTest.keyOf(name))).member();
    lobby.publish(m); // as after its WELCOME
    return m;
  }

  @Test
  void aMemberIsReachableByDmsOnlyOnceItsWelcomeIsQueued() {
    Member alice = assertInstanceOf(JoinResult.Joined.class,
        lobby.login(nobody, "alice", RoomTest.keyOf("alice"))).member();
    assertEquals(Optional.empty(), lobby.online("alice"), "logged in, not yet welcomed");
    assertEquals(List.of("alice"), lobby.names());
    lobby.publish(alice);
    assertEquals(Optional.of(alice), lobby.online("alice"));
    lobby.logout(alice);
    assertEquals(Optional.empty(), lobby.online("alice"));
    assertEquals(List.of(), lobby.names());
  }

  @Test
  void aNameThatLooksLikeAHeldOneIsTakenAndNamesTheHolder() {
    Lobby unbound = new Lobby();
    unbound.login(nobody, "alice", RoomTest.keyOf("alice"));
    JoinResult r = unbound.login(nobody, "ALICE", RoomTest.keyOf("ALICE"));
    assertEquals("alice", assertInstanceOf(JoinResult.NameTaken.class, r).holder());
    assertEquals(List.of("alice"), unbound.names());
  }

  @Test
  void anInvalidNameIsRefusedWithItsProblem() {
    assertInstanceOf(JoinResult.NameInvalid.class, lobby.login(nobody, "", RoomTest.keyOf("")));
    assertInstanceOf(JoinResult.NameInvalid.class,
        lobby.login(nobody, "a b", RoomTest.keyOf("a b")));
  }

  @Test
  void aNameBoundToAnotherKeyIsRefusedEvenWhenNobodyHoldsIt() {
    Member alice = login("alice");
    lobby.logout(alice);
    assertInstanceOf(JoinResult.NameBound.class,
        lobby.login(nobody, "alice", RoomTest.keyOf("mallory")));
  }

  @Test
  void aKeyRecordedUnderItsOwnNameJoinsWithoutABindAndAnyOtherJoinBinds() {
    lobby.logout(login("alice"));
    assertEquals(1, binder.binds);
    binder.recordsOwnNames = true;
    lobby.logout(login("alice"));
    assertEquals(1, binder.binds, "nothing to bind for a key recorded under its name");
    login("bob");
    assertEquals(2, binder.binds);
    assertInstanceOf(JoinResult.NameBound.class,
        lobby.login(nobody, "alice", RoomTest.keyOf("mallory")));
  }

  @Test
  void aNameIsFreeAgainAfterItsHolderLogsOut() {
    Member alice = login("alice");
    lobby.logout(alice);
    lobby.logout(alice); // twice changes nothing
    login("alice");
    assertEquals(List.of("alice"), lobby.names());
  }

  @Test
  void aClosedLobbyRefusesLoginsAndFreesItsNames() {
    login("alice");
    assertEquals(1, lobby.close().size());
    assertInstanceOf(JoinResult.Closed.class, lobby.login(nobody, "bob", RoomTest.keyOf("bob")));
    assertTrue(names.holder("alice").isEmpty());
  }

  @Test
  void nickFreesTheOldNameAndBindsTheNewOneToTheKey() {
    Member alice = login("alice");
    assertEquals(new NickResult.Renamed("alice"), lobby.rename(alice, "al"));
    assertEquals("al", alice.name());
    assertEquals(Optional.of(alice), lobby.online("AL"));
    assertEquals(Optional.empty(), lobby.online("alice"));
    assertEquals(RoomTest.keyOf("alice"), binder.byName.get("al"), "the key's binding moved");
    assertTrue(!binder.byName.containsKey("allce"), "the old name is bound to nobody");
    assertInstanceOf(JoinResult.Joined.class, lobby.login(nobody, "alice",
        RoomTest.keyOf("zed")), "free for any key now");
    assertInstanceOf(NickResult.NameBound.class,
        lobby.rename(login("bob"), "al"), "the new name is refused to other keys");
  }

  @Test
  void nickChecksWhatJoinChecksAndChangesNothingWhenRefused() {
    Member alice = login("alice");
    login("bob");
    assertInstanceOf(NickResult.NameBound.class, lobby.rename(alice, "B0B"),
        "bound to bob's key: that answer comes first (protocol §5.1)");
    Lobby unbound = new Lobby();
    Member ann = assertInstanceOf(JoinResult.Joined.class,
        unbound.login(nobody, "ann", RoomTest.keyOf("ann"))).member();
    unbound.login(nobody, "bob", RoomTest.keyOf("bob"));
    assertEquals("bob", assertInstanceOf(NickResult.NameTaken.class,
        unbound.rename(ann, "B0B")).holder());
    assertEquals("ann", ann.name());
    assertInstanceOf(NickResult.NameInvalid.class, lobby.rename(alice, "no spaces"));
    binder.broken = true;
    assertInstanceOf(NickResult.Unavailable.class, lobby.rename(alice, "carol"));
    binder.broken = false;
    assertEquals("alice", alice.name());
    assertEquals(Optional.of(alice), lobby.online("alice"));
    assertEquals(List.of("alice", "bob"), lobby.names());
  }

  @Test
  void nickToANewSpellingOfTheSameNameIsAllowed() {
    Member alice = login("alice");
    assertEquals(new NickResult.Renamed("alice"), lobby.rename(alice, "Alice"));
    assertEquals(Optional.of("Alice"), names.holder("alice"));
  }
}
