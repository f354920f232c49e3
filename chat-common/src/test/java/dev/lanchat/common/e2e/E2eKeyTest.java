package dev.lanchat.common.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteString;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The signed end-to-end key: strict encoding, the check against the pinned identity, rotation. */
class E2eKeyTest {
  private final Member alice = new Member("alice", 0x05);
  private final Member mallory = new Member("mallory", 0x66);

  @Test
  void aKeyRoundTripsAndIsValidForItsOwner() throws Exception {
    E2eKey key = alice.ring.current();
    byte[] encoded = key.encode();
    assertEquals(E2eKey.SIZE, encoded.length);
    E2eKey parsed = E2eKey.parse(encoded);
    assertEquals(key, parsed);
    assertInstanceOf(E2eKey.Check.Valid.class, parsed.check(alice.id(), Member.T0));
  }

  @Test
  void parsingRefusesEveryOtherLength() {
    byte[] encoded = alice.ring.current().encode();
    for (int length = 0; length < encoded.length + 3; length++) {
      if (length == encoded.length) {
        continue;
      }
      byte[] wrong = Arrays.copyOf(encoded, length);
      assertThrows(ProtocolException.class, () -> E2eKey.parse(wrong), "length " + length);
    }
  }

  @Test
  void aKeySignedByAnotherIdentityIsASubstitution() {
    // the server hands out mallory's key under alice's name: it claims mallory as owner
    E2eKey.Check check = mallory.ring.current().check(alice.id(), Member.T0);
    E2eKey.Check.WrongOwner wrong = assertInstanceOf(E2eKey.Check.WrongOwner.class, check);
    assertEquals(alice.id(), wrong.expected());
    assertEquals(mallory.id(), wrong.found());
  }

  @Test
  void aKeyClaimingItsOwnerButChangedFailsItsSignature() throws Exception {
    byte[] encoded = alice.ring.current().encode();
    for (int bit = 32 * 8; bit < encoded.length * 8; bit++) {
      byte[] bad = encoded.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      E2eKey parsed;
      try {
        parsed = E2eKey.parse(bad);
      } catch (ProtocolException e) {
        continue; // a not_after above 2^63 - 1
      }
      assertInstanceOf(E2eKey.Check.BadSignature.class, parsed.check(alice.id(), Member.T0),
          "bit " + bit);
    }
  }

  @Test
  void aKeyPastItsNotAfterIsExpired() {
    E2eKey key = alice.ring.current();
    assertInstanceOf(E2eKey.Check.Expired.class, key.check(alice.id(), key.notAfter() + 1));
    assertInstanceOf(E2eKey.Check.Valid.class, key.check(alice.id(), key.notAfter()));
  }

  @Test
  void theRingRotatesOnScheduleAndWipesKeysNoLongerNeeded() {
    RotationSchedule schedule = RotationSchedule.DEFAULT;
    long week = Duration.ofDays(7).toMillis();
    assertTrue(alice.ring.rotateIfDue(Member.T0 + week - 1).isEmpty());
    E2eKey second = alice.ring.rotateIfDue(Member.T0 + week).orElseThrow();
    assertEquals(2, second.serial());
    assertEquals(Member.T0 + week + schedule.lifetime().toMillis(), second.notAfter());
    alice.ring.rotateIfDue(Member.T0 + 2 * week).orElseThrow();
    assertEquals(List.of(1L, 2L, 3L), alice.ring.serials());
    // key 1: not_after T0 + 14 d, kept 7 d more, so gone after T0 + 21 d
    assertEquals(0, alice.ring.forgetExpired(Member.T0 + 3 * week));
    assertEquals(1, alice.ring.forgetExpired(Member.T0 + 3 * week + 1));
    assertEquals(List.of(2L, 3L), alice.ring.serials());
    assertTrue(alice.ring.privateKey(1).isEmpty());
  }

  @Test
  void theCurrentKeyIsNeverForgotten() {
    assertEquals(0, alice.ring.forgetExpired(Long.MAX_VALUE / 2));
    assertEquals(List.of(1L), alice.ring.serials());
  }

  @Test
  void aScheduleWithoutOverlapIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RotationSchedule(Duration.ofDays(7),
        Duration.ofDays(7), Duration.ofDays(1)));
  }

  @Test
  void signedBytesAreTheLabelTheKeyNotAfterAndSerial() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 9);
    byte[] signed = E2eKey.signedBytes(key, 0x0102030405060708L, 0x0A0B0C0DL);
    byte[] label = "lanchat v2 e2e key".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertArrayEquals(label, Arrays.copyOf(signed, label.length));
    assertEquals(label.length + 32 + 8 + 4, signed.length);
    assertEquals(ByteString.copyOf(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13}),
        ByteString.copyOf(Arrays.copyOfRange(signed, label.length + 32, signed.length)));
  }
}
