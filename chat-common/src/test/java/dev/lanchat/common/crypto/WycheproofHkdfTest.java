package dev.lanchat.common.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Wycheproof hkdf_sha256_test.json through {@link Hkdf#extract} then {@link Hkdf#expand}. */
class WycheproofHkdfTest {
  @Test
  void everyVectorMatchesAndOverLongOutputIsRefused() throws Exception {
    int valid = 0;
    int refused = 0;
    for (TestVectors.Case c : TestVectors.wycheproof("hkdf_sha256_test.json")) {
      byte[] prk = Hkdf.extract(c.hex("salt"), c.hex("ikm"));
      int size = c.test().get("size").getAsInt();
      if (c.result().equals("valid")) {
        assertEquals(c.test().get("okm").getAsString(),
            TestVectors.hex(Hkdf.expand(prk, c.hex("info"), size)), c.toString());
        valid++;
      } else {
        assertEquals(8161, size, c + " is invalid for another reason than its size");
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(prk, c.hex("info"), size),
            c.toString());
        refused++;
      }
    }
    assertEquals(83, valid);
    assertEquals(3, refused);
  }
}
