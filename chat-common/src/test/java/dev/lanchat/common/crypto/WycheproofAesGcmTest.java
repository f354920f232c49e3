package dev.lanchat.common.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.security.GeneralSecurityException;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof aes_gcm_test.json. The groups our records use (AES-256, 96-bit IV, 128-bit tag) go
 * through {@link CipherState}'s own AES-GCM step with an explicit nonce; the whole file also goes
 * through the JDK cipher that step relies on.
 */
class WycheproofAesGcmTest {
  @Test
  void recordShapedVectorsSealAndOpenThroughCipherState() throws Exception {
    int valid = 0;
    int invalid = 0;
    for (TestVectors.Case c : TestVectors.wycheproof("aes_gcm_test.json")) {
      if (c.groupInt("keySize") != 256 || c.groupInt("ivSize") != 96 || c.groupInt("tagSize") != 128) {
        continue;
      }
      byte[] key = c.hex("key");
      byte[] iv = c.hex("iv");
      byte[] aad = c.hex("aad");
      byte[] record = Bytes.concat(c.hex("ct"), c.hex("tag"));
      if (c.result().equals("valid")) {
        assertEquals(TestVectors.hex(record),
            TestVectors.hex(CipherState.sealWithNonce(key, iv, aad, c.hex("msg"))), c.toString());
        assertArrayEquals(c.hex("msg"), CipherState.openWithNonce(key, iv, aad, record), c.toString());
        valid++;
      } else {
        assertThrows(AEADBadTagException.class,
            () -> CipherState.openWithNonce(key, iv, aad, record), c.toString());
        invalid++;
      }
    }
    assertEquals(39, valid);
    assertEquals(27, invalid);
  }

  @Test
  void theJdkCipherRejectsEveryInvalidVectorOfTheWholeFile() throws Exception {
    List<TestVectors.Case> cases = TestVectors.wycheproof("aes_gcm_test.json");
    int valid = 0;
    int invalid = 0;
    for (TestVectors.Case c : cases) {
      SecretKeySpec key = new SecretKeySpec(c.hex("key"), "AES");
      byte[] iv = c.hex("iv");
      byte[] aad = c.hex("aad");
      byte[] record = Bytes.concat(c.hex("ct"), c.hex("tag"));
      int tagBits = c.groupInt("tagSize");
      if (c.result().equals("valid")) {
        Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
        enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(tagBits, iv));
        enc.updateAAD(aad);
        assertEquals(TestVectors.hex(record), TestVectors.hex(enc.doFinal(c.hex("msg"))), c.toString());
        Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
        dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(tagBits, iv));
        dec.updateAAD(aad);
        assertArrayEquals(c.hex("msg"), dec.doFinal(record), c.toString());
        valid++;
      } else {
        byte[] released;
        try {
          // a zero-length IV (CVE-2017-7822) must already fail here
          Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
          dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(tagBits, iv));
          dec.updateAAD(aad);
          released = dec.doFinal(record);
        } catch (GeneralSecurityException expected) {
          invalid++;
          continue;
        }
        fail(c + " opened and released " + released.length + " bytes");
      }
    }
    assertEquals(229, valid);
    assertEquals(87, invalid);
  }
}
