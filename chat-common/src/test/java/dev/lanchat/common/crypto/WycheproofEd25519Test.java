package dev.lanchat.common.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Wycheproof ed25519_test.json through {@link Ed25519#verify}: valid → true, invalid → false. */
class WycheproofEd25519Test {
  @Test
  void everyVectorVerifiesExactlyWhenValid() throws Exception {
    int valid = 0;
    int invalid = 0;
    for (TestVectors.Case c : TestVectors.wycheproof("ed25519_test.json")) {
      byte[] pk = TestVectors.hex(c.group().getAsJsonObject("publicKey").get("pk").getAsString());
      boolean expected = c.result().equals("valid");
      assertEquals(expected, Ed25519.verify(pk, c.hex("msg"), c.hex("sig")), c.toString());
      if (expected) {
        valid++;
      } else {
        invalid++;
      }
    }
    assertEquals(88, valid);
    assertEquals(63, invalid);
  }
}
