package dev.lanchat.common.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The record rules of protocol §3 at the cipher-state level. */
class CipherStateTest {
  private static final byte[] KEY = new byte[32];

  static {
    for (int i = 0; i < KEY.length; i++) {
      KEY[i] = (byte) (0xA0 + i);
    }
  }

  @Test
  void recordIsAesGcmUnderTheCounterNonceWithEmptyAad() throws Exception {
    CipherState sender = CipherState.of(KEY);
    byte[] plaintext = "hi".getBytes(StandardCharsets.UTF_8);
    sender.seal(plaintext);
    byte[] second = sender.seal(plaintext);
    // independently: nonce = 0x00000000 ‖ u64(1)
    byte[] nonce = new byte[12];
    nonce[11] = 1;
    Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
    jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, nonce));
    assertArrayEquals(jdk.doFinal(plaintext), second);
    assertEquals(plaintext.length + CipherState.TAG_SIZE, second.length);
  }

  @Test
  void aRecordSealedInPlaceIsTheRecordSealReturns() throws Exception {
    CipherState allocating = CipherState.of(KEY);
    CipherState inPlace = CipherState.of(KEY);
    byte[] out = new byte[100];
    Arrays.fill(out, (byte) 0x55);
    for (int i = 0; i < 3; i++) {
      byte[] plaintext = ("record " + i).getBytes(StandardCharsets.UTF_8);
      int written = inPlace.seal(plaintext, out, 7);
      assertEquals(CipherState.recordSize(plaintext), written);
      assertArrayEquals(allocating.seal(plaintext), Arrays.copyOfRange(out, 7, 7 + written));
      assertEquals(0x55, out[6], "nothing before the offset is touched");
      assertEquals(0x55, out[7 + written], "nothing after the record is touched");
    }
    assertEquals(3, inPlace.seq());
  }

  @Test
  void aRecordThatDoesNotFitWhereItGoesIsRefusedWithoutUsingItsNonce() throws Exception {
    CipherState sender = CipherState.of(KEY);
    byte[] plaintext = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[plaintext.length + CipherState.TAG_SIZE];
    assertThrows(IndexOutOfBoundsException.class, () -> sender.seal(plaintext, out, 1));
    assertEquals(0, sender.seq());
    assertArrayEquals(plaintext, CipherState.of(KEY).open(sender.seal(plaintext)));
  }

  @Test
  void sealedRecordsOpenInOrder() throws Exception {
    CipherState sender = CipherState.of(KEY);
    CipherState receiver = CipherState.of(KEY);
    for (int i = 0; i < 5; i++) {
      byte[] plaintext = ("record " + i).getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(plaintext, receiver.open(sender.seal(plaintext)));
    }
    assertEquals(5, sender.seq());
    assertEquals(5, receiver.seq());
  }

  @Test
  void flippingAnySingleBitOfARecordFailsToOpen() throws Exception {
    byte[] record = CipherState.of(KEY).seal("hello".getBytes(StandardCharsets.UTF_8));
    assertEquals(21, record.length);
    CipherState receiver = CipherState.of(KEY);
    for (int bit = 0; bit < record.length * 8; bit++) {
      byte[] tampered = record.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      ProtocolException e = assertThrows(ProtocolException.class, () -> receiver.open(tampered),
          "bit " + bit);
      assertEquals(Reason.BAD_RECORD, e.reason());
      assertEquals(0, receiver.seq(), "a failed record never advances seq");
    }
    // the untouched record still opens: every failure above left the receiver at seq 0
    assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), receiver.open(record));
  }

  @Test
  void truncatedOrExtendedRecordFailsToOpen() throws Exception {
    byte[] record = CipherState.of(KEY).seal("hello".getBytes(StandardCharsets.UTF_8));
    CipherState receiver = CipherState.of(KEY);
    for (int length = 0; length < record.length; length++) {
      byte[] shorter = Arrays.copyOf(record, length);
      assertEquals(Reason.BAD_RECORD,
          assertThrows(ProtocolException.class, () -> receiver.open(shorter)).reason());
    }
    byte[] longer = Arrays.copyOf(record, record.length + 1);
    assertEquals(Reason.BAD_RECORD,
        assertThrows(ProtocolException.class, () -> receiver.open(longer)).reason());
  }

  @Test
  void wrongKeyFailsToOpen() throws Exception {
    byte[] record = CipherState.of(KEY).seal(new byte[] {1});
    byte[] other = KEY.clone();
    other[0] ^= 1;
    assertEquals(Reason.BAD_RECORD,
        assertThrows(ProtocolException.class, () -> CipherState.of(other).open(record)).reason());
  }

  @Test
  void plaintextOfMoreThan65520BytesIsRefused() throws Exception {
    CipherState sender = CipherState.of(KEY);
    byte[] record = sender.seal(new byte[CipherState.MAX_PLAINTEXT]);
    assertEquals(65_536, record.length, "the largest record fills the largest frame");
    assertThrows(IllegalArgumentException.class,
        () -> sender.seal(new byte[CipherState.MAX_PLAINTEXT + 1]));
  }

  @Test
  void senderRefusesTheRecordAfter2To32Records() throws Exception {
    CipherState sender = CipherState.of(KEY);
    CipherState receiver = CipherState.of(KEY);
    sender.skipForTest(CipherState.MAX_RECORDS - 1, 0);
    receiver.skipForTest(CipherState.MAX_RECORDS - 1, 0);
    // record number 2^32 - 1 is the last one allowed, and it still opens
    assertArrayEquals(new byte[] {7}, receiver.open(sender.seal(new byte[] {7})));
    assertEquals(CipherState.MAX_RECORDS, sender.seq());
    assertThrows(KeyLimitException.class, () -> sender.seal(new byte[] {8}));
  }

  @Test
  void senderRefusesToSealPast2To36Bytes() throws Exception {
    CipherState sender = CipherState.of(KEY);
    sender.skipForTest(10, CipherState.MAX_BYTES - 100);
    sender.seal(new byte[100]); // exactly 2^36 bytes in all: allowed
    assertThrows(KeyLimitException.class, () -> sender.seal(new byte[1]));

    CipherState other = CipherState.of(KEY);
    other.skipForTest(10, CipherState.MAX_BYTES - 100);
    assertThrows(KeyLimitException.class, () -> other.seal(new byte[101]));
  }

  @Test
  void receiverRefusesARecordPastTheRecordLimit() throws Exception {
    CipherState sender = CipherState.of(KEY);
    CipherState receiver = CipherState.of(KEY);
    byte[] record = sender.seal(new byte[] {1});
    receiver.skipForTest(CipherState.MAX_RECORDS, 0);
    ProtocolException e = assertThrows(ProtocolException.class, () -> receiver.open(record));
    assertEquals(Reason.KEY_LIMIT, e.reason());
  }

  @Test
  void receiverRefusesARecordPastTheByteLimit() throws Exception {
    CipherState sender = CipherState.of(KEY);
    CipherState receiver = CipherState.of(KEY);
    sender.skipForTest(3, 0);
    byte[] record = sender.seal(new byte[101]);
    receiver.skipForTest(3, CipherState.MAX_BYTES - 100);
    ProtocolException e = assertThrows(ProtocolException.class, () -> receiver.open(record));
    assertEquals(Reason.KEY_LIMIT, e.reason());
  }

  @Test
  void keyOfAnotherSizeThan32BytesIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> CipherState.of(new byte[16]));
  }
}
