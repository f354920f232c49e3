package dev.lanchat.common.bytes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Fingerprint;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ByteString}: an immutable value, equal by content, copied on the way in and out. */
class ByteStringTest {

  @Test
  void changingTheSourceOrACopyChangesNothing() {
    byte[] source = {1, 2, 3};
    ByteString value = ByteString.copyOf(source);
    source[0] = 9;
    value.toByteArray()[1] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, value.toByteArray());
  }

  @Test
  void aCopyOfARangeHoldsThoseBytesOnlyAndARangeOutsideIsRefused() {
    byte[] source = {1, 2, 3, 4};
    ByteString value = ByteString.copyOf(source, 1, 2);
    source[1] = 9;
    assertArrayEquals(new byte[] {2, 3}, value.toByteArray());
    assertThrows(IndexOutOfBoundsException.class, () -> ByteString.copyOf(source, 3, 2));
  }

  @Test
  void valuesWithTheSameBytesAreEqualAndHashAlike() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    for (int i = 0; i < 200; i++) {
      byte[] a = new byte[random.nextInt(70)];
      random.nextBytes(a);
      byte[] b = a.clone();
      ByteString x = ByteString.copyOf(a);
      assertEquals(x, ByteString.copyOf(b), "seed " + seed);
      assertEquals(x.hashCode(), ByteString.copyOf(b).hashCode(), "seed " + seed);
      assertTrue(x.contentEquals(b), "seed " + seed);
      if (b.length > 0) {
        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        assertNotEquals(x, ByteString.copyOf(b), "seed " + seed);
        assertFalse(x.contentEquals(b), "seed " + seed);
      }
    }
  }

  @Test
  void aPrefixIsNotEqual() {
    assertNotEquals(ByteString.copyOf(new byte[] {1, 2}), ByteString.copyOf(new byte[] {1}));
  }

  @Test
  void copyOfWithASizeRefusesAnotherLength() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ByteString.copyOf(new byte[31], 32, "Si"));
    assertEquals("Si is 32 bytes, not 31", e.getMessage());
  }

  @Test
  void base64RoundTripsAndBadBase64IsRefused() {
    ByteString value = ByteString.copyOf(new byte[] {(byte) 0xFB, (byte) 0xFF, 0});
    assertEquals("+/8A", value.base64());
    assertEquals(value, ByteString.fromBase64("+/8A"));
    assertThrows(IllegalArgumentException.class, () -> ByteString.fromBase64("not base64!"));
  }

  @Test
  void theFingerprintIsTheOneOfTheRawBytes() {
    byte[] key = new byte[32];
    key[5] = 7;
    assertEquals(Fingerprint.of(key), Fingerprint.of(ByteString.copyOf(key)));
  }
}
