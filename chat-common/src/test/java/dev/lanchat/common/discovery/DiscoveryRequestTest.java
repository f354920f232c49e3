package dev.lanchat.common.discovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DiscoveryRequestTest {
  private static final byte[] NONCE = new byte[32];

  static {
    for (int i = 0; i < 32; i++) {
      NONCE[i] = (byte) i;
    }
  }

  /** Written from protocol §8 alone, outside this code base (Python). */
  private static final String VECTOR = "4c414e434841543f01"
      + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" + "00".repeat(119);

  @Test
  void requestIsLanchatQuestionMarkVersionNonceZeroPaddedTo160Bytes() {
    byte[] encoded = new DiscoveryRequest(NONCE).encode();
    assertEquals(160, encoded.length);
    assertEquals(VECTOR, HexFormat.of().formatHex(encoded));
  }

  @Test
  void aValidRequestParsesBackToItsNonce() {
    byte[] datagram = HexFormat.of().parseHex(VECTOR);
    assertEquals(Optional.of(new DiscoveryRequest(NONCE)), DiscoveryRequest.parse(datagram, 160));
  }

  @Test
  void aRequestParsesFromTheFrontOfALargerReceiveBuffer() {
    byte[] buffer = Arrays.copyOf(HexFormat.of().parseHex(VECTOR), 2048);
    assertArrayEquals(NONCE, DiscoveryRequest.parse(buffer, 160).orElseThrow().nonce().toByteArray());
  }

  @Test
  void aDatagramShorterThan160BytesIsIgnored() {
    byte[] datagram = HexFormat.of().parseHex(VECTOR);
    for (int length = 0; length < 160; length++) {
      assertEquals(Optional.empty(), DiscoveryRequest.parse(datagram, length), "length " + length);
    }
  }

  @Test
  void aDatagramLongerThan160BytesIsIgnored() {
    byte[] datagram = Arrays.copyOf(HexFormat.of().parseHex(VECTOR), 1500);
    for (int length : new int[] {161, 200, 1500}) {
      assertEquals(Optional.empty(), DiscoveryRequest.parse(datagram, length), "length " + length);
    }
  }

  @Test
  void aLengthBeyondTheBufferIsIgnored() {
    assertEquals(Optional.empty(), DiscoveryRequest.parse(new byte[100], 160));
  }

  @Test
  void everyChangeInTheFirstNineBytesIsIgnored() {
    byte[] valid = HexFormat.of().parseHex(VECTOR);
    for (int i = 0; i < 9; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] datagram = valid.clone();
        datagram[i] ^= (byte) (1 << bit);
        assertEquals(Optional.empty(), DiscoveryRequest.parse(datagram, 160),
            "byte " + i + " bit " + bit);
      }
    }
  }

  @Test
  void aReplyReflectedAtAServerIsNotARequest() {
    byte[] datagram = HexFormat.of().parseHex(VECTOR);
    datagram[7] = '!';
    assertEquals(Optional.empty(), DiscoveryRequest.parse(datagram, 160));
  }

  @Test
  void nonZeroPaddingIsAcceptedBecauseThePageGivesItNoMeaning() {
    byte[] datagram = HexFormat.of().parseHex(VECTOR);
    Arrays.fill(datagram, 41, 160, (byte) 0xA5);
    assertArrayEquals(NONCE,
        DiscoveryRequest.parse(datagram, 160).orElseThrow().nonce().toByteArray());
  }

  @Test
  void randomGarbageIsIgnored() {
    long seed = new SecureRandom().nextLong();
    System.out.println("randomGarbageIsIgnored seed " + seed);
    Random random = new Random(seed);
    for (int i = 0; i < 1000; i++) {
      byte[] datagram = new byte[160];
      random.nextBytes(datagram);
      if (datagram[0] == 'L') {
        datagram[0] = 'l';
      }
      assertEquals(Optional.empty(), DiscoveryRequest.parse(datagram, 160), "seed " + seed);
    }
  }

  @Test
  void freshRequestsHaveDifferentNonces() {
    SecureRandom random = new SecureRandom();
    assertTrue(!DiscoveryRequest.random(random).equals(DiscoveryRequest.random(random)));
  }

  @Test
  void aNonceOfAnotherSizeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new DiscoveryRequest(new byte[31]));
  }

  @Test
  void theNonceIsCopiedInAndOut() {
    byte[] nonce = NONCE.clone();
    DiscoveryRequest request = new DiscoveryRequest(nonce);
    nonce[0] = 99;
    request.nonce().toByteArray()[1] = 99;
    assertArrayEquals(NONCE, request.nonce().toByteArray());
  }
}
