package dev.lanchat.common.discovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DiscoveryReplyTest {
  /** RFC 8032 §7.1 test 1 secret key. */
  private static final Identity RFC_8032_TEST_1 = Identity.fromSeed(HexFormat.of().parseHex(
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));

  private static final byte[] NONCE = new byte[32];

  static {
    for (int i = 0; i < 32; i++) {
      NONCE[i] = (byte) i;
    }
  }

  /**
   * The reply for {@link #NONCE}, port 4242 and name "Büro LAN", computed from protocol §8 alone
   * with Python's {@code cryptography} 48.0.0 (Ed25519 signatures are deterministic).
   */
  private static final String VECTOR = "4c414e434841542101" + "1092"
      + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
      + "a62f36a006d3133a0cee9ebfabb6e0644c9aa4d4b80480f540cfa9ad0c1e8768"
      + "21fdaf6ccdcb4218ba31b93eba6ec13c847c38df7002492681ddc3e5fa0e7908"
      + "0009" + "42c3bc726f204c414e";

  @Test
  void signedReplyMatchesAnIndependentlyComputedVector() {
    DiscoveryReply reply = DiscoveryReply.sign(RFC_8032_TEST_1, NONCE, 4242, "Büro LAN");
    assertEquals(VECTOR, HexFormat.of().formatHex(reply.encode()));
  }

  @Test
  void theVectorParsesAndVerifiesAgainstItsNonce() {
    DiscoveryReply reply = DiscoveryReply.parse(HexFormat.of().parseHex(VECTOR)).orElseThrow();
    assertEquals(4242, reply.tcpPort());
    assertEquals("Büro LAN", reply.name());
    assertArrayEquals(RFC_8032_TEST_1.publicKey(), reply.identity().toByteArray());
    assertEquals(RFC_8032_TEST_1.fingerprint(), reply.fingerprint());
    assertTrue(reply.verify(NONCE));
  }

  @Test
  void aReplyDoesNotVerifyAgainstAnotherNonce() {
    DiscoveryReply reply = DiscoveryReply.sign(RFC_8032_TEST_1, NONCE, 4242, "lab");
    byte[] other = NONCE.clone();
    other[31] ^= 1;
    assertFalse(reply.verify(other));
  }

  @Test
  void everyFlippedBitOfASignedReplyFailsToParseOrToVerify() {
    byte[] valid = HexFormat.of().parseHex(VECTOR);
    for (int i = 0; i < valid.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] datagram = valid.clone();
        datagram[i] ^= (byte) (1 << bit);
        Optional<DiscoveryReply> parsed = DiscoveryReply.parse(datagram);
        assertTrue(parsed.isEmpty() || !parsed.get().verify(NONCE), "byte " + i + " bit " + bit);
      }
    }
  }

  @Test
  void aKeySwappedForAnotherServersKeyDoesNotVerify() {
    DiscoveryReply genuine = DiscoveryReply.sign(RFC_8032_TEST_1, NONCE, 4242, "lab");
    Identity other = Identity.generate(new SecureRandom());
    DiscoveryReply swapped = new DiscoveryReply(4242, other.publicKey(), genuine.sig().toByteArray(), "lab");
    assertFalse(swapped.verify(NONCE));
  }

  @Test
  void aReplyWithA48ByteNameIsExactly157Bytes() {
    String name = "é".repeat(24);
    assertEquals(48, name.getBytes(StandardCharsets.UTF_8).length);
    byte[] encoded = DiscoveryReply.sign(RFC_8032_TEST_1, NONCE, 1, name).encode();
    assertEquals(157, encoded.length);
    assertEquals(DiscoveryReply.MAX_SIZE, encoded.length);
    assertTrue(encoded.length <= DiscoveryRequest.SIZE);
  }

  @Test
  void aReplyWithAnEmptyNameIs109Bytes() {
    DiscoveryReply reply = DiscoveryReply.sign(RFC_8032_TEST_1, NONCE, 65535, "");
    assertEquals(109, reply.encode().length);
    assertTrue(DiscoveryReply.parse(reply.encode()).orElseThrow().verify(NONCE));
  }

  @Test
  void aNameLongerThan48BytesIsRefusedWhenSigning() {
    String name = "a".repeat(47) + "é";
    assertThrows(IllegalArgumentException.class,
        () -> DiscoveryReply.sign(RFC_8032_TEST_1, NONCE, 4242, name));
  }

  @Test
  void aPortOutsideOneTo65535IsRefusedWhenSigning() {
    assertThrows(IllegalArgumentException.class,
        () -> DiscoveryReply.sign(RFC_8032_TEST_1, NONCE, 0, "lab"));
    assertThrows(IllegalArgumentException.class,
        () -> DiscoveryReply.sign(RFC_8032_TEST_1, NONCE, 65536, "lab"));
  }

  @Test
  void fitNameCutsAtACodePointBoundary() {
    assertEquals("lab", DiscoveryReply.fitName("lab"));
    assertEquals("a".repeat(48), DiscoveryReply.fitName("a".repeat(60)));
    assertEquals("a".repeat(47), DiscoveryReply.fitName("a".repeat(47) + "é"));
    String emoji = "😀".repeat(13); // 52 bytes, 4 per code point
    assertEquals("😀".repeat(12), DiscoveryReply.fitName(emoji));
    assertThrows(IllegalArgumentException.class, () -> DiscoveryReply.fitName("a\uD800b"));
  }

  @Test
  void aNameLongerThan48BytesOnTheWireIsRejected() {
    byte[] valid = DiscoveryReply.sign(RFC_8032_TEST_1, NONCE, 4242, "a".repeat(48)).encode();
    byte[] longer = Arrays.copyOf(valid, valid.length + 1);
    longer[107] = 0;
    longer[108] = 49;
    longer[valid.length] = 'a';
    assertEquals(Optional.empty(), DiscoveryReply.parse(longer));
  }

  @Test
  void aNameLengthThatDisagreesWithTheDatagramIsRejected() {
    byte[] valid = HexFormat.of().parseHex(VECTOR);
    assertEquals(Optional.empty(), DiscoveryReply.parse(Arrays.copyOf(valid, valid.length - 1)));
    assertEquals(Optional.empty(), DiscoveryReply.parse(Arrays.copyOf(valid, valid.length + 1)));
  }

  @Test
  void aTruncatedReplyIsRejected() {
    byte[] valid = HexFormat.of().parseHex(VECTOR);
    for (int length = 0; length < valid.length; length++) {
      assertEquals(Optional.empty(), DiscoveryReply.parse(valid, length), "length " + length);
    }
  }

  @Test
  void malformedUtf8InTheNameIsRejected() {
    byte[] valid = DiscoveryReply.sign(RFC_8032_TEST_1, NONCE, 4242, "ab").encode();
    byte[] overlong = valid.clone();
    overlong[109] = (byte) 0xC0;
    overlong[110] = (byte) 0xAF;
    assertEquals(Optional.empty(), DiscoveryReply.parse(overlong));
    byte[] surrogate = Arrays.copyOf(valid, valid.length + 1);
    surrogate[108] = 3;
    surrogate[109] = (byte) 0xED;
    surrogate[110] = (byte) 0xA0;
    surrogate[111] = (byte) 0x80;
    assertEquals(Optional.empty(), DiscoveryReply.parse(surrogate));
  }

  @Test
  void portZeroOnTheWireIsRejected() {
    byte[] datagram = HexFormat.of().parseHex(VECTOR);
    datagram[9] = 0;
    datagram[10] = 0;
    assertEquals(Optional.empty(), DiscoveryReply.parse(datagram));
  }

  @Test
  void aRequestIsNotAReply() {
    byte[] request = new DiscoveryRequest(NONCE).encode();
    assertEquals(Optional.empty(), DiscoveryReply.parse(request));
    assertEquals(Optional.empty(), DiscoveryReply.parse(Arrays.copyOf(request, 109)));
  }

  @Test
  void randomGarbageIsRejected() {
    long seed = new SecureRandom().nextLong();
    System.out.println("randomGarbageIsRejected seed " + seed);
    Random random = new Random(seed);
    for (int i = 0; i < 1000; i++) {
      byte[] datagram = new byte[109 + random.nextInt(49)];
      random.nextBytes(datagram);
      Optional<DiscoveryReply> parsed = DiscoveryReply.parse(datagram);
      assertTrue(parsed.isEmpty() || !parsed.get().verify(NONCE), "seed " + seed);
    }
  }

  @Test
  void encodeAndParseRoundTrip() {
    DiscoveryReply reply = DiscoveryReply.sign(RFC_8032_TEST_1, NONCE, 7, "x\u202Ey");
    assertEquals(Optional.of(reply), DiscoveryReply.parse(reply.encode()));
    assertTrue(reply.toString().contains("\\u202E"), "toString renders network text safely");
  }
}
