package dev.lanchat.common.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Known answers from RFC 7748 (X25519), RFC 5869 (HKDF-SHA-256) and RFC 8032 (Ed25519) through
 * our wrappers. The 1,000,000-step X25519 iteration is tagged "slow" and
 * runs only with {@code -Dlanchat.slowTests=true}.
 */
class RfcVectorsTest {
  private static JsonObject rfc() throws Exception {
    return TestVectors.load("rfc/rfc_vectors.json");
  }

  private static byte[] hex(JsonObject o, String field) {
    return TestVectors.hex(o.get(field).getAsString());
  }

  @Test
  void x25519MatchesRfc7748Section5_2() throws Exception {
    int n = 0;
    for (JsonElement e : rfc().getAsJsonArray("rfc7748_x25519_section5_2")) {
      JsonObject v = e.getAsJsonObject();
      assertEquals(v.get("out").getAsString(),
          TestVectors.hex(X25519.agree(hex(v, "scalar"), hex(v, "u"))));
      n++;
    }
    assertEquals(2, n);
  }

  @Test
  void x25519IteratedOnceAndAThousandTimesMatchesRfc7748() throws Exception {
    JsonObject v = rfc().getAsJsonObject("rfc7748_x25519_iterated_section5_2");
    assertEquals(v.get("after_1").getAsString(), TestVectors.hex(iterate(1)));
    assertEquals(v.get("after_1000").getAsString(), TestVectors.hex(iterate(1000)));
  }

  /** One to two minutes: run with {@code -Dlanchat.slowTests=true}. */
  @Test
  @Tag("slow")
  @EnabledIfSystemProperty(named = "lanchat.slowTests", matches = "true")
  void x25519IteratedAMillionTimesMatchesRfc7748() throws Exception {
    JsonObject v = rfc().getAsJsonObject("rfc7748_x25519_iterated_section5_2");
    assertEquals(v.get("after_1000000").getAsString(), TestVectors.hex(iterate(1_000_000)));
  }

  private static byte[] iterate(int steps) throws Exception {
    byte[] k = new byte[32];
    k[0] = 9;
    byte[] u = k.clone();
    for (int i = 0; i < steps; i++) {
      byte[] r = X25519.agree(k, u);
      u = k;
      k = r;
    }
    return k;
  }

  @Test
  void x25519DiffieHellmanMatchesRfc7748Section6_1() throws Exception {
    JsonObject v = rfc().getAsJsonObject("rfc7748_x25519_dh_section6_1");
    X25519.KeyPair alice = X25519.fromPrivate(hex(v, "alice_private"));
    X25519.KeyPair bob = X25519.fromPrivate(hex(v, "bob_private"));
    assertEquals(v.get("alice_public").getAsString(), TestVectors.hex(alice.publicKey()));
    assertEquals(v.get("bob_public").getAsString(), TestVectors.hex(bob.publicKey()));
    assertEquals(v.get("shared").getAsString(), TestVectors.hex(alice.agree(bob.publicKey())));
    assertEquals(v.get("shared").getAsString(), TestVectors.hex(bob.agree(alice.publicKey())));
  }

  @Test
  void hkdfMatchesRfc5869AppendixA1ToA3() throws Exception {
    int n = 0;
    for (JsonElement e : rfc().getAsJsonArray("rfc5869_hkdf_sha256_appendixA")) {
      JsonObject v = e.getAsJsonObject();
      String name = v.get("case").getAsString();
      byte[] prk = Hkdf.extract(hex(v, "salt"), hex(v, "ikm"));
      assertEquals(v.get("prk").getAsString(), TestVectors.hex(prk), name);
      assertEquals(v.get("okm").getAsString(),
          TestVectors.hex(Hkdf.expand(prk, hex(v, "info"), v.get("L").getAsInt())), name);
      n++;
    }
    assertEquals(3, n);
  }

  @Test
  void ed25519SignReproducesRfc8032Test1To3ByteForByte() throws Exception {
    int n = 0;
    for (JsonElement e : rfc().getAsJsonArray("rfc8032_ed25519_section7_1")) {
      JsonObject v = e.getAsJsonObject();
      String name = v.get("case").getAsString();
      byte[] seed = hex(v, "secret_key");
      assertEquals(v.get("public_key").getAsString(), TestVectors.hex(Ed25519.publicKey(seed)), name);
      assertEquals(v.get("public_key").getAsString(),
          TestVectors.hex(Identity.fromSeed(seed).publicKey()), name);
      assertEquals(v.get("signature").getAsString(),
          TestVectors.hex(Ed25519.sign(seed, hex(v, "message"))), name);
      assertEquals(v.get("signature").getAsString(),
          TestVectors.hex(Identity.fromSeed(seed).sign(hex(v, "message"))), name);
      assertEquals(true, Ed25519.verify(hex(v, "public_key"), hex(v, "message"), hex(v, "signature")));
      n++;
    }
    assertEquals(3, n);
  }
}
