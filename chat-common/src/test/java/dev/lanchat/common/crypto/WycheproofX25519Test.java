package dev.lanchat.common.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof x25519_test.json through {@link X25519#agree}: every vector either gives exactly
 * its {@code shared}, or (all-zero {@code shared}, a low-order peer key) is refused as protocol
 * §2.3 requires.
 */
class WycheproofX25519Test {
  @Test
  void everyVectorMatchesOrIsRefusedAsLowOrder() throws Exception {
    List<TestVectors.Case> cases = TestVectors.wycheproof("x25519_test.json");
    int matched = 0;
    int rejected = 0;
    for (TestVectors.Case c : cases) {
      byte[] expected = c.hex("shared");
      if (Bytes.isAllZero(expected)) {
        ProtocolException e = assertThrows(ProtocolException.class,
            () -> X25519.agree(c.hex("private"), c.hex("public")), c.toString());
        assertEquals(Reason.LOW_ORDER_KEY, e.reason(), c.toString());
        rejected++;
      } else {
        assertEquals(TestVectors.hex(expected),
            TestVectors.hex(X25519.agree(c.hex("private"), c.hex("public"))), c.toString());
        matched++;
      }
    }
    assertEquals(518, cases.size());
    assertEquals(31, rejected, "vectors with an all-zero shared secret");
    assertEquals(487, matched, "vectors whose shared secret we reproduce");
  }

  @Test
  void theKeyPairApiAgreesWithTheRawFunction() throws Exception {
    // RFC 7748 §6.1 is tcId 102; the KeyPair path the handshake uses must give the same answer
    for (TestVectors.Case c : TestVectors.wycheproof("x25519_test.json")) {
      if (c.tcId() == 102) {
        assertEquals(TestVectors.hex(c.hex("shared")),
            TestVectors.hex(X25519.fromPrivate(c.hex("private")).agree(c.hex("public"))));
        return;
      }
    }
    throw new AssertionError("tcId 102 (RFC 7748 §6.1) is missing");
  }
}
