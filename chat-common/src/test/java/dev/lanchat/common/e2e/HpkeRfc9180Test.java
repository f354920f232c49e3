package dev.lanchat.common.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our HPKE suite against RFC 9180's own test vectors for it (Appendix A.2.1, base mode,
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305), copied with their source note into
 * {@code rfc9180-a2-base.txt}.
 */
class HpkeRfc9180Test {
  private static final HexFormat HEX = HexFormat.of();
  private static final Map<String, byte[]> V = new HashMap<>();

  @BeforeAll
  static void readTheVectors() throws IOException {
    try (InputStream in = HpkeRfc9180Test.class.getResourceAsStream("rfc9180-a2-base.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split(":\\s*", 2);
        V.put(parts[0], parts[1].matches("[0-9a-f]*") && parts[1].length() % 2 == 0
            ? HEX.parseHex(parts[1]) : parts[1].getBytes(StandardCharsets.US_ASCII));
      }
    }
  }

  private static HPKE suite() {
    return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256,
        HPKE.aead_CHACHA20_POLY1305);
  }

  @Test
  void deriveKeyPairGivesTheRfcKeys() {
    HPKE hpke = suite();
    AsymmetricCipherKeyPair e = hpke.deriveKeyPair(V.get("ikmE"));
    AsymmetricCipherKeyPair r = hpke.deriveKeyPair(V.get("ikmR"));
    // BouncyCastle serialises the scalar clamped (RFC 7748 §5); the RFC prints it unclamped
    assertArrayEquals(clamped(V.get("skEm")), hpke.serializePrivateKey(e.getPrivate()));
    assertArrayEquals(V.get("pkEm"), hpke.serializePublicKey(e.getPublic()));
    assertArrayEquals(clamped(V.get("skRm")), hpke.serializePrivateKey(r.getPrivate()));
    assertArrayEquals(V.get("pkRm"), hpke.serializePublicKey(r.getPublic()));
  }

  private static byte[] clamped(byte[] scalar) {
    byte[] k = scalar.clone();
    k[0] &= (byte) 248;
    k[31] &= 127;
    k[31] |= 64;
    return k;
  }

  @Test
  void ourSingleShotSealIsTheRfcsFirstEncryption() {
    Hpke.Sealed sealed = Hpke.seal(V.get("pkRm"), V.get("info"), V.get("aad_0"), V.get("pt"),
        V.get("skEm"));
    assertArrayEquals(V.get("enc"), sealed.enc());
    assertArrayEquals(V.get("ct_0"), sealed.ciphertext());
  }

  @Test
  void ourOpenReadsTheRfcsCiphertext() {
    byte[] pt = Hpke.open(V.get("skRm"), V.get("enc"), V.get("info"), V.get("aad_0"),
        V.get("ct_0")).orElseThrow();
    assertArrayEquals(V.get("pt"), pt);
  }

  @Test
  void theContextMatchesTheRfcForTheSecondSequenceNumberAndTheExporter() throws Exception {
    HPKE hpke = suite();
    AsymmetricCipherKeyPair e = hpke.deriveKeyPair(V.get("ikmE"));
    AsymmetricCipherKeyPair r = hpke.deriveKeyPair(V.get("ikmR"));
    HPKEContextWithEncapsulation sender = hpke.setupBaseS(r.getPublic(), V.get("info"), e);
    assertArrayEquals(V.get("ct_0"), sender.seal(V.get("aad_0"), V.get("pt")));
    assertArrayEquals(V.get("ct_1"), sender.seal(V.get("aad_1"), V.get("pt")));
    HPKEContext receiver = hpke.setupBaseR(V.get("enc"), r, V.get("info"));
    assertArrayEquals(V.get("exported_context_empty_32"), receiver.export(new byte[0], 32));
  }

  @Test
  void everyFlippedBitOfTheRfcCiphertextFailsToOpen() {
    byte[] ct = V.get("ct_0");
    for (int bit = 0; bit < ct.length * 8; bit++) {
      byte[] bad = ct.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      assertTrue(Hpke.open(V.get("skRm"), V.get("enc"), V.get("info"), V.get("aad_0"), bad)
          .isEmpty(), "bit " + bit);
    }
    assertEquals(16, Hpke.TAG_SIZE);
  }
}
