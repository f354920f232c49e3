package dev.lanchat.common.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An end-to-end room under a dishonest server ({@link DishonestServer}): a swapped member key
 * is refused with a warning, replays, reorderings and drops are seen by the per-sender
 * counters, a removed member reads nothing sent after the removal, and a newcomer reads from
 * the moment it joined.
 */
class E2eRoomTest {
  private final Member alice = new Member("alice", 0x05);
  private final Member bob = new Member("bob", 0x07);
  private final Member carol = new Member("carol", 0x09);
  private final Member mallory = new Member("mallory", 0x66);
  private DishonestServer server;

  @BeforeEach
  void aliceBobAndCarolShareARoom() {
    server = new DishonestServer("#ops");
    for (Member m : List.of(alice, bob, carol)) {
      server.join(m);
    }
    server.announceAll(List.of(alice, bob, carol));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private RoomMessage say(Member from, String text) {
    return server.end(from).seal(utf8(text));
  }

  private static RoomOutcome.Read read(RoomOutcome outcome) {
    return assertInstanceOf(RoomOutcome.Read.class, outcome);
  }

  private static RoomOutcome.Reason refused(RoomOutcome outcome) {
    return assertInstanceOf(RoomOutcome.Refused.class, outcome).reason();
  }

  @Test
  void everyMemberReadsWhatTheSenderEncryptedOnce() throws Exception {
    RoomMessage message = RoomMessage.parse(say(alice, "deploy at 5").encode());
    for (Member reader : List.of(bob, carol)) {
      RoomOutcome.Read read = read(server.relay(alice, reader, message));
      assertArrayEquals(utf8("deploy at 5"), read.text());
      assertInstanceOf(Continuity.InOrder.class, read.continuity());
    }
  }

  @Test
  void aSubstitutedMemberKeyIsRefusedWithAWarningAndGetsNothing() {
    // the server tells alice that bob's key is one mallory made
    E2eRoom.Member swapped = new E2eRoom.Member(bob.id(), mallory.ring.current());
    E2eRoom.Membership m = server.end(alice).setMembers(
        List.of(alice.asMember(), swapped, carol.asMember()), Member.T0);
    assertEquals(1, m.warnings().size());
    assertEquals(bob.id(), m.warnings().getFirst().member());
    assertInstanceOf(E2eKey.Check.WrongOwner.class, m.warnings().getFirst().check());
    assertFalse(server.end(alice).members().contains(bob.id()));
    assertTrue(m.deliveries().stream().noneMatch(d -> d.recipient().equals(bob.id())
        || d.recipient().equals(mallory.id())));
  }

  @Test
  void aMemberKeyChangedOnTheWayIsRefusedWithAWarning() throws Exception {
    byte[] encoded = bob.ring.current().encode();
    encoded[40] ^= 1; // inside the X25519 key: the server swaps the key, keeps the owner
    E2eRoom.Member changed = new E2eRoom.Member(bob.id(), E2eKey.parse(encoded));
    E2eRoom.Membership m = server.end(alice).setMembers(
        List.of(changed, carol.asMember()), Member.T0);
    assertInstanceOf(E2eKey.Check.BadSignature.class, m.warnings().getFirst().check());
  }

  @Test
  void aReplayedMessageIsRefused() {
    RoomMessage message = say(alice, "once");
    read(server.relay(alice, bob, message));
    assertEquals(RoomOutcome.Reason.REPLAYED_OR_REORDERED,
        refused(server.relay(alice, bob, message)));
  }

  @Test
  void aReorderedPairIsSeen() {
    RoomMessage first = say(alice, "first");
    RoomMessage second = say(alice, "second");
    assertEquals(new Continuity.Skipped(1), read(server.relay(alice, bob, second)).continuity());
    assertEquals(RoomOutcome.Reason.REPLAYED_OR_REORDERED,
        refused(server.relay(alice, bob, first)));
  }

  @Test
  void aDroppedMessageIsSeenAtTheNextOne() {
    read(server.relay(alice, bob, say(alice, "one")));
    say(alice, "two: the server keeps it from bob");
    RoomOutcome.Read three = read(server.relay(alice, bob, say(alice, "three")));
    assertEquals(new Continuity.Skipped(1), three.continuity());
    assertArrayEquals(utf8("three"), three.text());
  }

  @Test
  void aRemovedMemberCannotDecryptAnythingAfterTheRemoval() {
    // carol is removed: alice and bob are told the room is now the two of them
    List<E2eRoom.Member> remaining = List.of(alice.asMember(), bob.asMember());
    E2eRoom.Membership byAlice = server.announce(alice, remaining);
    E2eRoom.Membership byBob = server.announce(bob, remaining);
    server.route(alice, byAlice);
    server.route(bob, byBob);
    assertEquals(2, byAlice.epoch());
    assertEquals(List.of(bob.id()),
        byAlice.deliveries().stream().map(E2eRoom.Delivery::recipient).toList());
    // the server forwards bob's copy of alice's new sender key to carol as well
    SealedDm forBob = byAlice.deliveries().getFirst().dm();
    assertInstanceOf(DmOutcome.Refused.class, carol.sealer.open(alice.id(), forBob));
    // and keeps relaying the room to carol
    List<RoomOutcome> carolSaw = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      RoomMessage fromAlice = say(alice, "after carol left " + i);
      RoomMessage fromBob = say(bob, "bob after carol left " + i);
      read(server.relay(alice, bob, fromAlice));
      carolSaw.add(server.relay(alice, carol, fromAlice));
      carolSaw.add(server.relay(bob, carol, fromBob));
    }
    for (RoomOutcome outcome : carolSaw) {
      assertEquals(RoomOutcome.Reason.NO_KEY, refused(outcome));
    }
    assertEquals(2, byBob.epoch());
  }

  @Test
  void aRemovedMembersOwnMessagesAreNoLongerAccepted() {
    server.announce(alice, List.of(alice.asMember(), bob.asMember()));
    RoomMessage fromCarol = say(carol, "I am still here");
    assertEquals(RoomOutcome.Reason.NOT_A_MEMBER, refused(server.relay(carol, alice, fromCarol)));
  }

  @Test
  void aNewcomerReadsFromTheMomentItJoinedAndIsToldAboutTheRest() {
    Member dave = new Member("dave", 0x0B);
    server.join(dave);
    RoomMessage before = say(alice, "said before dave came");
    List<E2eRoom.Member> all = List.of(alice.asMember(), bob.asMember(), carol.asMember(),
        dave.asMember());
    server.announce(dave, all);
    E2eRoom.Membership m = server.announce(alice, all);
    assertEquals(1, m.epoch(), "a newcomer alone does not start a new epoch");
    assertEquals(List.of(dave.id()),
        m.deliveries().stream().map(E2eRoom.Delivery::recipient).toList());
    server.route(alice, m);
    RoomMessage after = say(alice, "welcome dave");
    assertEquals(RoomOutcome.Reason.BEFORE_JOINED, refused(server.relay(alice, dave, before)));
    RoomOutcome.Read read = read(server.relay(alice, dave, after));
    assertArrayEquals(utf8("welcome dave"), read.text());
    assertInstanceOf(Continuity.InOrder.class, read.continuity());
  }

  @Test
  void aMessageRelabelledWithAnotherMemberIsRefused() {
    // bob holds alice's chain, but cannot sign as alice; the server cannot either
    RoomMessage fromBob = say(bob, "I am alice");
    assertEquals(RoomOutcome.Reason.BAD_SIGNATURE, refused(server.relay(alice, carol, fromBob)));
  }

  @Test
  void everyFlippedBitOfAMessageIsRefusedAndTheChainDoesNotMove() throws Exception {
    byte[] encoded = say(alice, "flip").encode();
    for (int bit = 0; bit < encoded.length * 8; bit++) {
      byte[] bad = encoded.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      RoomMessage parsed;
      try {
        parsed = RoomMessage.parse(bad);
      } catch (dev.lanchat.common.ProtocolException e) {
        continue; // a counter of 0
      }
      assertInstanceOf(RoomOutcome.Refused.class, server.relay(alice, bob, parsed), "bit " + bit);
    }
    assertInstanceOf(Continuity.InOrder.class,
        read(server.relay(alice, bob, RoomMessage.parse(encoded))).continuity());
  }

  @Test
  void aReplayedSenderKeyCannotRewindAChain() {
    Member dave = new Member("dave", 0x0B);
    server.join(dave);
    List<E2eRoom.Member> all = List.of(alice.asMember(), bob.asMember(), carol.asMember(),
        dave.asMember());
    server.announce(dave, all);
    E2eRoom.Membership m = server.announce(alice, all);
    server.route(alice, m);
    SealedDm toDave = m.deliveries().getFirst().dm();
    RoomMessage message = say(alice, "read once");
    read(server.relay(alice, dave, message));
    // the DM counter already refuses the replayed distribution
    assertInstanceOf(DmOutcome.Refused.class, dave.sealer.open(alice.id(), toDave));
    assertEquals(RoomOutcome.Reason.REPLAYED_OR_REORDERED,
        refused(server.relay(alice, dave, message)));
  }

  @Test
  void aMessageTooFarAheadIsRefusedWithoutWalkingTheChain() {
    for (long i = 0; i <= E2eRoom.MAX_SKIP; i++) {
      say(alice, "held back " + i);
    }
    RoomMessage far = say(alice, "far ahead");
    assertEquals(E2eRoom.MAX_SKIP + 2, far.counter());
    assertEquals(RoomOutcome.Reason.TOO_FAR_AHEAD, refused(server.relay(alice, bob, far)));
  }
}
