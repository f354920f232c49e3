package dev.lanchat.common.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Sealed DMs, relayed by a server that replays, reorders, drops, relabels and flips bits: the
 * recipient opens what the sender sealed and sees everything else.
 */
class DmSealerTest {
  private final Member alice = new Member("alice", 0x05);
  private final Member bob = new Member("bob", 0x07);
  private final Member carol = new Member("carol", 0x09);

  private SealedDm aliceToBob(String text) {
    return alice.sealer.seal(bob.ring.current(), DmContent.TEXT, utf8(text));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private DmOutcome.Opened opened(DmOutcome outcome) {
    return assertInstanceOf(DmOutcome.Opened.class, outcome);
  }

  private DmOutcome.Reason refused(DmOutcome outcome) {
    return assertInstanceOf(DmOutcome.Refused.class, outcome).reason();
  }

  @Test
  void theRecipientReadsTheTextAndWhoSignedIt() throws Exception {
    SealedDm dm = SealedDm.parse(aliceToBob("hello bob").encode());
    DmOutcome.Opened opened = opened(bob.sealer.open(alice.id(), dm));
    assertArrayEquals(utf8("hello bob"), opened.content());
    assertEquals(DmContent.TEXT, opened.kind());
    assertEquals(1, opened.counter());
    assertInstanceOf(Continuity.InOrder.class, opened.continuity());
  }

  @Test
  void nobodyButTheRecipientOpensIt() {
    // carol also holds a key with serial 1, but not bob's
    assertEquals(DmOutcome.Reason.DOES_NOT_OPEN, refused(carol.sealer.open(alice.id(),
        aliceToBob("for bob only"))));
  }

  @Test
  void aDmTheServerSaysCameFromSomeoneElseDoesNotOpen() {
    assertEquals(DmOutcome.Reason.DOES_NOT_OPEN,
        refused(bob.sealer.open(carol.id(), aliceToBob("from alice"))));
  }

  @Test
  void aReplayedDmIsRefused() {
    SealedDm dm = aliceToBob("once");
    opened(bob.sealer.open(alice.id(), dm));
    assertEquals(DmOutcome.Reason.REPLAYED_OR_REORDERED, refused(bob.sealer.open(alice.id(), dm)));
  }

  @Test
  void aReorderedPairIsSeenAsAGapThenARefusal() {
    SealedDm first = aliceToBob("first");
    SealedDm second = aliceToBob("second");
    DmOutcome.Opened early = opened(bob.sealer.open(alice.id(), second));
    assertEquals(new Continuity.Skipped(1), early.continuity());
    assertEquals(DmOutcome.Reason.REPLAYED_OR_REORDERED,
        refused(bob.sealer.open(alice.id(), first)));
  }

  @Test
  void aDroppedDmShowsAsAGapAtTheNextOne() {
    opened(bob.sealer.open(alice.id(), aliceToBob("one")));
    aliceToBob("two, dropped by the server");
    aliceToBob("three, dropped too");
    DmOutcome.Opened four = opened(bob.sealer.open(alice.id(), aliceToBob("four")));
    assertEquals(new Continuity.Skipped(2), four.continuity());
    assertEquals(4, four.counter());
  }

  @Test
  void everyFlippedBitIsRefusedAndMovesNoCounter() throws Exception {
    byte[] encoded = aliceToBob("flip me").encode();
    for (int bit = 0; bit < encoded.length * 8; bit++) {
      byte[] bad = encoded.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      DmOutcome outcome = bob.sealer.open(alice.id(), SealedDm.parse(bad));
      assertInstanceOf(DmOutcome.Refused.class, outcome, "bit " + bit);
    }
    opened(bob.sealer.open(alice.id(), SealedDm.parse(encoded)));
  }

  @Test
  void aDmToARotatedKeyOpensUntilThatKeyIsWipedThenNever() {
    SealedDm toKey1 = aliceToBob("sealed to key 1");
    SealedDm later = aliceToBob("also to key 1");
    long week = Duration.ofDays(7).toMillis();
    bob.ring.rotateIfDue(Member.T0 + week).orElseThrow();
    opened(bob.sealer.open(alice.id(), toKey1));
    bob.ring.rotateIfDue(Member.T0 + 2 * week).orElseThrow();
    bob.ring.rotateIfDue(Member.T0 + 3 * week).orElseThrow();
    assertEquals(1, bob.ring.forgetExpired(Member.T0 + 3 * week + 1));
    // forward secrecy: whoever takes bob's keys now finds nothing that opens it
    assertEquals(DmOutcome.Reason.KEY_GONE, refused(bob.sealer.open(alice.id(), later)));
  }

  @Test
  void parsingRefusesWhatCannotBeASealedDm() {
    for (int length : new int[] {0, 4, 36, 36 + SealedDm.MIN_CIPHERTEXT - 1,
        SealedDm.MAX_SIZE + 1}) {
      byte[] bytes = new byte[length];
      assertTrue(assertThrowsProtocol(bytes), "length " + length);
    }
  }

  private static boolean assertThrowsProtocol(byte[] bytes) {
    try {
      SealedDm.parse(bytes);
      return false;
    } catch (ProtocolException e) {
      return true;
    }
  }
}
