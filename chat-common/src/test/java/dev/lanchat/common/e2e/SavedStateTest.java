package dev.lanchat.common.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a client keeps across runs: its key ring and its DM counters, read back as they were,
 * and never taken from bytes that are not its own; and a room end renewed after a reconnect.
 */
class SavedStateTest {
  private final Member alice = new Member("alice", 0x05);
  private final Member bob = new Member("bob", 0x07);

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aDecodedRingOpensWhatWasSealedToTheSavedOne() {
    alice.ring.rotateIfDue(Member.T0 + Duration.ofDays(8).toMillis());
    SealedDm dm = bob.sealer.seal(alice.ring.current(), DmContent.TEXT, utf8("saved"));
    KeyRing back = KeyRing.decode(alice.identity, RotationSchedule.DEFAULT, alice.random,
        alice.ring.encode());
    assertEquals(alice.ring.serials(), back.serials());
    assertEquals(alice.ring.current(), back.current());
    DmOutcome.Opened opened = assertInstanceOf(DmOutcome.Opened.class,
        new DmSealer(back, alice.random).open(bob.id(), dm));
    assertArrayEquals(utf8("saved"), opened.content());
  }

  @Test
  void aRingOfAnotherIdentityIsRefused() {
    byte[] bobs = bob.ring.encode();
    assertThrows(IllegalArgumentException.class,
        () -> KeyRing.decode(alice.identity, RotationSchedule.DEFAULT, alice.random, bobs));
  }

  @Test
  void aRingWithAChangedByteIsRefused() {
    byte[] encoded = alice.ring.encode();
    for (int i = 0; i < encoded.length; i++) {
      byte[] flipped = encoded.clone();
      flipped[i] ^= 0x10; // not a bit X25519 clamps away
      int at = i;
      // the created time is not signed: a flip there may still read as a ring
      if (at >= encoded.length - 8) {
        continue;
      }
      assertThrows(IllegalArgumentException.class, () -> KeyRing.decode(alice.identity,
          RotationSchedule.DEFAULT, alice.random, flipped), "byte " + at);
    }
  }

  @Test
  void restoredCountersKeepTheSequenceGoingAcrossARestart() {
    bob.sealer.open(alice.id(), alice.sealer.seal(bob.ring.current(), DmContent.TEXT,
        utf8("one")));
    DmSealer aliceAgain = new DmSealer(alice.ring, alice.random);
    aliceAgain.restore(alice.sealer.counters());
    DmSealer bobAgain = new DmSealer(bob.ring, bob.random);
    bobAgain.restore(bob.sealer.counters());
    SealedDm second = aliceAgain.seal(bob.ring.current(), DmContent.TEXT, utf8("two"));
    DmOutcome.Opened opened = assertInstanceOf(DmOutcome.Opened.class,
        bobAgain.open(alice.id(), second));
    assertEquals(2, opened.counter());
    assertInstanceOf(Continuity.InOrder.class, opened.continuity());
  }

  @Test
  void forgottenCountersWouldRefuseTheNextDmAsAReplay() {
    // the control: without restore the sender starts at 1 again and the peer refuses it
    bob.sealer.open(alice.id(), alice.sealer.seal(bob.ring.current(), DmContent.TEXT,
        utf8("one")));
    SealedDm again = new DmSealer(alice.ring, alice.random).seal(bob.ring.current(),
        DmContent.TEXT, utf8("two"));
    assertEquals(DmOutcome.Reason.REPLAYED_OR_REORDERED,
        assertInstanceOf(DmOutcome.Refused.class, bob.sealer.open(alice.id(), again)).reason());
  }

  @Test
  void renewStartsANewEpochForEveryoneWhileKeepingTheirChains() {
    E2eRoom room = new E2eRoom("#ops", alice.identity, alice.sealer, alice.random);
    E2eRoom.Membership first = room.setMembers(List.of(bob.asMember()), Member.T0);
    E2eRoom.Membership same = room.setMembers(List.of(bob.asMember()), Member.T0);
    assertEquals(0, same.deliveries().size());
    E2eRoom.Membership renewed = room.setMembers(List.of(bob.asMember()), Member.T0, true);
    assertEquals(first.epoch() + 1, renewed.epoch());
    assertEquals(List.of(bob.id()), renewed.deliveries().stream()
        .map(E2eRoom.Delivery::recipient).toList());
  }

  @Test
  void roomOfNamesTheRoomOfASenderKeyWithoutUsingIt() {
    E2eRoom room = new E2eRoom("#ops", alice.identity, alice.sealer, alice.random);
    SealedDm key = room.setMembers(List.of(bob.asMember()), Member.T0).deliveries().getFirst()
        .dm();
    DmOutcome.Opened opened = assertInstanceOf(DmOutcome.Opened.class,
        bob.sealer.open(alice.id(), key));
    assertEquals(Optional.of("#ops"), E2eRoom.roomOf(opened));
    E2eRoom bobs = new E2eRoom("#ops", bob.identity, bob.sealer, bob.random);
    bobs.setMembers(List.of(alice.asMember()), Member.T0);
    assertInstanceOf(InstallOutcome.Installed.class, bobs.install(opened));
  }
}
