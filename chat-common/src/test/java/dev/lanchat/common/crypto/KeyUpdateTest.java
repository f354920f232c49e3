package dev.lanchat.common.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Protocol "Key update" at the cipher-state level: the next key, and the old one retired. */
class KeyUpdateTest {
  private static final byte[] KEY = new byte[32];

  static {
    for (int i = 0; i < KEY.length; i++) {
      KEY[i] = (byte) (0x40 + i);
    }
  }

  /** HKDF-Expand for 32 bytes is one block: HMAC-SHA256(prk, info ‖ 0x01), from the JDK. */
  private static byte[] jdkExpand32(byte[] prk, String info) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    mac.update(info.getBytes(StandardCharsets.US_ASCII));
    mac.update((byte) 1);
    return mac.doFinal();
  }

  private static byte[] jdkSeal(byte[] key, long seq, byte[] plaintext) throws Exception {
    byte[] nonce = new byte[12];
    for (int i = 0; i < 8; i++) {
      nonce[11 - i] = (byte) (seq >>> (8 * i));
    }
    Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
    jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    return jdk.doFinal(plaintext);
  }

  @Test
  void theNextKeyIsHkdfExpandOfTheCurrentKeyWithTheKeyUpdateLabel() throws Exception {
    assertEquals("lanchat v2 key update", KeyUpdate.LABEL);
    assertArrayEquals(jdkExpand32(KEY, "lanchat v2 key update"), KeyUpdate.nextKey(KEY));
  }

  @Test
  void theNextKeyNeedsA32ByteKey() {
    assertThrows(IllegalArgumentException.class, () -> KeyUpdate.nextKey(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> KeyUpdate.nextKey(new byte[33]));
  }

  @Test
  void aChainOfUpdatesNeverRepeatsAKey() {
    Set<String> seen = new HashSet<>();
    byte[] key = KEY.clone();
    for (int i = 0; i < 1_000; i++) {
      assertTrue(seen.add(HexFormat.of().formatHex(key)), "key " + i + " came back");
      key = KeyUpdate.nextKey(key);
    }
  }

  @Test
  void nextStartsTheNewKeyAtSequenceZero() throws Exception {
    CipherState old = CipherState.of(KEY);
    for (int i = 0; i < 3; i++) {
      old.seal(new byte[] {(byte) i});
    }
    CipherState next = old.next();
    assertEquals(0, next.seq());
    byte[] plaintext = "after".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(jdkSeal(jdkExpand32(KEY, KeyUpdate.LABEL), 0, plaintext),
        next.seal(plaintext));
    assertEquals(1, next.seq());
  }

  @Test
  void theRetiredStateNeitherSealsNorOpens() throws Exception {
    CipherState sender = CipherState.of(KEY);
    byte[] record = sender.seal(new byte[] {1});
    CipherState receiver = CipherState.of(KEY);
    receiver.next();
    assertThrows(IllegalStateException.class, () -> receiver.open(record));
    sender.next();
    assertThrows(IllegalStateException.class, () -> sender.seal(new byte[] {2}));
    assertThrows(IllegalStateException.class, sender::next);
  }

  @Test
  void aRecordSealedUnderTheOldKeyDoesNotOpenUnderTheNewOne() throws Exception {
    CipherState sender = CipherState.of(KEY);
    CipherState receiver = CipherState.of(KEY).next();
    // same seq (0), old key: the new key refuses it and stays at seq 0
    byte[] stale = sender.seal(new byte[] {9});
    assertThrows(dev.lanchat.common.ProtocolException.class, () -> receiver.open(stale));
    assertEquals(0, receiver.seq());
    byte[] fresh = sender.next().seal(new byte[] {9});
    assertArrayEquals(new byte[] {9}, receiver.open(fresh));
    assertFalse(Arrays.equals(stale, fresh));
  }

  @Test
  void theOldKeysBytesAreWipedOnceTheNextKeyExists() throws Exception {
    CipherState old = CipherState.of(KEY);
    old.seal(new byte[] {1});
    assertFalse(old.keyWiped());
    CipherState next = old.next();
    assertTrue(old.keyWiped(), "k is zeroed, not just left for the collector");
    assertFalse(next.keyWiped());
    byte[] plaintext = {2};
    assertArrayEquals(jdkSeal(jdkExpand32(KEY, KeyUpdate.LABEL), 0, plaintext),
        next.seal(plaintext), "the wipe touched only k, never k'");
  }
}
