package dev.lanchat.common.pake;

import static dev.lanchat.common.testing.VectorBlocks.block;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanchat.common.crypto.Ed25519;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worked join-code example of docs/protocol.md ("Join codes (EC-J-PAKE)"): runs the real
 * exchange with fixed randomness, recomputes every value from the document's description
 * alone (P-256 arithmetic from BouncyCastle's separate custom-curve code, SHA-256, HKDF and
 * HMAC from the JDK), and checks that both agree and that the document prints them.
 */
class JoinCodeVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String CODE = "7-crater-lantern";
  private static final String CLIENT_ID = "lanchat-client";
  private static final String SERVER_ID = "lanchat-server";

  private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
  private static final ECPoint G = P256.getG();
  private static final BigInteger N = P256.getN();

  /** Name → value, in the order the document lists them. */
  private static final Map<String, byte[]> VECTORS = new LinkedHashMap<>();

  private static byte[] filled(int value) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) value);
    return out;
  }

  private static BigInteger scalar(int value) {
    return new BigInteger(1, filled(value));
  }

  private static SessionBinding session() {
    return new SessionBinding(filled(0x06), Ed25519.publicKey(filled(0x04)),
        Ed25519.publicKey(filled(0x05)));
  }

  @BeforeAll
  static void runTheExchangeWithFixedRandomness() throws Exception {
    FixedRandom clientRandom = new FixedRandom(filled(0x11), filled(0x12), filled(0x13),
        filled(0x14), filled(0x15));
    FixedRandom serverRandom = new FixedRandom(filled(0x21), filled(0x22), filled(0x23),
        filled(0x24), filled(0x25));
    JoinCodeClient client = JoinCodeClient.start(JoinCode.parse(CODE), session(), clientRandom);
    JoinCodeServer server = JoinCodeServer.start(JoinCode.parse(CODE), session(), serverRandom,
        client.round1());
    JoinCodeClient.Reply reply = client.reply(server.round1(), server.round2());
    JoinCodeServer.Matched matched = assertInstanceOf(JoinCodeServer.Matched.class,
        server.finish(reply.round2(), reply.confirm()));
    assertInstanceOf(JoinCodeClient.Matched.class, client.finish(matched.reply()));
    assertTrue(clientRandom.exhausted() && serverRandom.exhausted(),
        "the example names every random draw");
    VECTORS.put("Si", session().si());
    VECTORS.put("Ci", session().ci());
    VECTORS.put("client_round1", client.round1().encode());
    VECTORS.put("server_round1", server.round1().encode());
    VECTORS.put("server_round2", server.round2().encode());
    VECTORS.put("client_round2", reply.round2().encode());
    VECTORS.put("client_confirm", reply.confirm().encode());
    VECTORS.put("server_confirm", matched.reply().encode());
  }

  // --- the independent computation, from the document's words ---

  private static byte[] u16(int n) {
    return new byte[] {(byte) (n >>> 8), (byte) n};
  }

  private static byte[] point(ECPoint p) {
    return concat(u16(65), p.normalize().getEncoded(false));
  }

  private static byte[] scalarField(BigInteger r) {
    byte[] b = r.toByteArray();
    if (b.length > 1 && b[0] == 0) {
      b = Arrays.copyOfRange(b, 1, b.length);
    }
    return concat(u16(b.length), b);
  }

  private static byte[] lengthPrefixed(byte[] b) {
    return concat(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16),
        (byte) (b.length >>> 8), (byte) b.length}, b);
  }

  /** A Schnorr proof of x for X = gen·x with nonce v: V ‖ r, r = v − x·h mod n. */
  private static byte[] proof(ECPoint gen, BigInteger x, BigInteger v, String id)
      throws Exception {
    ECPoint bigX = gen.multiply(x).normalize();
    ECPoint bigV = gen.multiply(v).normalize();
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(concat(
        lengthPrefixed(gen.normalize().getEncoded(true)),
        lengthPrefixed(bigV.getEncoded(true)), lengthPrefixed(bigX.getEncoded(true)),
        lengthPrefixed(id.getBytes(StandardCharsets.UTF_8))));
    BigInteger h = new BigInteger(hash); // signed, two's complement: as the document says
    return concat(point(bigV), scalarField(v.subtract(x.multiply(h)).mod(N)));
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  @Test
  void theExampleMatchesAComputationFromTheDocumentAlone() throws Exception {
    BigInteger s = new BigInteger(1, CODE.getBytes(StandardCharsets.US_ASCII)).mod(N);
    BigInteger x1 = scalar(0x11);
    BigInteger x2 = scalar(0x12);
    BigInteger x3 = scalar(0x21);
    BigInteger x4 = scalar(0x22);
    ECPoint gx1 = G.multiply(x1);
    ECPoint gx2 = G.multiply(x2);
    ECPoint gx3 = G.multiply(x3);
    ECPoint gx4 = G.multiply(x4);

    byte[] clientRound1 = concat(new byte[] {7}, point(gx1), point(gx2),
        proof(G, x1, scalar(0x13), CLIENT_ID), proof(G, x2, scalar(0x14), CLIENT_ID));
    byte[] serverRound1 = concat(point(gx3), point(gx4), proof(G, x3, scalar(0x23), SERVER_ID),
        proof(G, x4, scalar(0x24), SERVER_ID));
    ECPoint gB = gx1.add(gx2).add(gx3);        // the server's round-2 generator
    BigInteger x4s = x4.multiply(s).mod(N);
    byte[] serverRound2 = concat(point(gB.multiply(x4s)),
        proof(gB, x4s, scalar(0x25), SERVER_ID));
    ECPoint gA = gx1.add(gx3).add(gx4);        // the client's
    BigInteger x2s = x2.multiply(s).mod(N);
    byte[] clientRound2 = concat(point(gA.multiply(x2s)),
        proof(gA, x2s, scalar(0x15), CLIENT_ID));

    // K from the client's side: (B − X4·(x2·s))·x2; the server's, (A − X2·(x4·s))·x4
    ECPoint kClient = gB.multiply(x4s).subtract(gx4.multiply(x2s)).multiply(x2).normalize();
    ECPoint kServer = gA.multiply(x2s).subtract(gx2.multiply(x4s)).multiply(x4).normalize();
    assertEquals(kClient, kServer);
    byte[] keyingMaterial = kClient.getAffineXCoord().getEncoded();

    SessionBinding session = session();
    byte[] pt = MessageDigest.getInstance("SHA-256")
        .digest(concat(clientRound1, serverRound1, clientRound2, serverRound2));
    byte[] prk = hmac(session.th(), keyingMaterial);                        // HKDF-Extract
    byte[] info = concat("lanchat v2 join code".getBytes(StandardCharsets.US_ASCII),
        session.si(), session.ci(), pt);
    byte[] k = hmac(prk, concat(info, new byte[] {1}));                     // HKDF-Expand, 32
    byte[] bound = concat(session.th(), session.si(), session.ci());
    byte[] clientConfirm = hmac(k, concat(
        "lanchat v2 client confirm".getBytes(StandardCharsets.US_ASCII), bound));
    byte[] serverConfirm = hmac(k, concat(
        "lanchat v2 server confirm".getBytes(StandardCharsets.US_ASCII), bound));

    assertArrayEquals(clientRound1, VECTORS.get("client_round1"), "client_round1");
    assertArrayEquals(serverRound1, VECTORS.get("server_round1"), "server_round1");
    assertArrayEquals(serverRound2, VECTORS.get("server_round2"), "server_round2");
    assertArrayEquals(clientRound2, VECTORS.get("client_round2"), "client_round2");
    assertArrayEquals(clientConfirm, VECTORS.get("client_confirm"), "client_confirm");
    assertArrayEquals(serverConfirm, VECTORS.get("server_confirm"), "server_confirm");
    INTERMEDIATE.put("keying_material", keyingMaterial);
    INTERMEDIATE.put("pt", pt);
    INTERMEDIATE.put("k", k);
  }

  /** Values that never go on the wire, printed in the document to help debugging. */
  private static final Map<String, byte[]> INTERMEDIATE = new LinkedHashMap<>();

  @Test
  void theDocumentPrintsTheExampleAsComputed() throws Exception {
    if (INTERMEDIATE.isEmpty()) {
      theExampleMatchesAComputationFromTheDocumentAlone();
    }
    Map<String, byte[]> all = new LinkedHashMap<>(VECTORS);
    all.putAll(INTERMEDIATE);
    String block = block(all);
    Path doc = Path.of(System.getProperty("basedir", ".")).resolve("../docs/protocol.md")
        .normalize();
    if (!Files.isRegularFile(doc)) {
      fail("docs/protocol.md is missing (looked at " + doc.toAbsolutePath() + ")");
    }
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    assertTrue(text.contains("## Join codes (EC-J-PAKE)"), "the section is missing");
    assertTrue(text.contains(block),
        "the join-code vectors block of docs/protocol.md should read exactly:\n" + block);
  }

  /**
   * {@code name: hex}, 64 hex digits a line. A colon, not the handshake example's {@code =}, so
   * the handshake's own vector check (which reads every {@code name = hex} line) keeps to its
   * section.
   */

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
