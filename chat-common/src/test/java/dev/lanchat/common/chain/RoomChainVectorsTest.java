package dev.lanchat.common.chain;

import static dev.lanchat.common.testing.VectorBlocks.block;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.pake.JoinCodeWords;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.generators.SCrypt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worked example of the section "Room chain" of docs/protocol.md: builds the example with
 * the chain's code, recomputes every value from the section's words alone (bytes laid out by
 * hand, SHA-256 and Ed25519 from the JDK, scrypt from BouncyCastle's generator), checks that
 * both agree, and that the document prints them.
 */
class RoomChainVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String ROOM = "#dev";
  private static final long T0 = 1_767_225_600_000L;
  private static final Identity ALICE = Events.identity(0x05);
  private static final Identity BOB = Events.identity(0x07);

  /** Name → value, in the order the document lists them. */
  private static final Map<String, byte[]> VECTORS = new LinkedHashMap<>();
  private static String verifyLine;

  /** The example's three events: alice joins, bob joins, alice says hello. */
  private static List<RoomEvent> events() {
    return List.of(
        new RoomEvent(Events.key(ALICE), ROOM, 1, T0, 0x22,
            ByteString.copyOf(concat(str("alice"), ALICE.publicKey()))),
        new RoomEvent(Events.key(BOB), ROOM, 2, T0 + 1000, 0x22,
            ByteString.copyOf(concat(str("bob"), BOB.publicKey()))),
        new RoomEvent(Events.key(ALICE), ROOM, 3, T0 + 2000, 0x21,
            ByteString.copyOf(concat(str("alice"), str("hello")))));
  }

  @BeforeAll
  static void buildTheExampleWithTheChainsCode() {
    VECTORS.put("alice_key", ALICE.publicKey());
    VECTORS.put("bob_key", BOB.publicKey());
    ChainHead head = ChainHash.genesis(ROOM);
    VECTORS.put("genesis", head.head().toByteArray());
    for (RoomEvent e : events()) {
      head = ChainHash.after(head, e);
      VECTORS.put("canonical_" + e.id(), e.canonical());
      VECTORS.put("head_" + e.id(), head.head().toByteArray());
    }
    VerifyCode code = VerifyCode.of(head);
    byte[] indices = new byte[VerifyCode.WORDS];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = (byte) (int) JoinCodeWords.indexOf(code.words().get(i)).orElseThrow();
    }
    VECTORS.put("verify_bytes", indices);
    verifyLine = code.line();
    SignedHead signed = SignedHead.sign(BOB, head);
    VECTORS.put("signed_bytes", SignedHead.signedBytes(head));
    VECTORS.put("signed_head", signed.encode());
  }

  @Test
  void theExampleMatchesAComputationFromTheDocumentAlone() throws Exception {
    byte[] head = sha256(ascii("lanchat v2 room genesis"), str(ROOM));
    assertArrayEquals(head, VECTORS.get("genesis"), "genesis");
    byte[][] payloads = {
        concat(str("alice"), ALICE.publicKey()),
        concat(str("bob"), BOB.publicKey()),
        concat(str("alice"), str("hello"))};
    byte[][] senders = {ALICE.publicKey(), BOB.publicKey(), ALICE.publicKey()};
    int[] types = {0x22, 0x22, 0x21};
    for (int i = 0; i < 3; i++) {
      long id = i + 1;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes); // big-endian, as the page says
      out.write(senders[i]);
      out.write(str(ROOM));
      out.writeLong(id);
      out.writeLong(T0 + i * 1000L);
      out.writeByte(types[i]);
      out.writeInt(payloads[i].length);
      out.write(payloads[i]);
      byte[] canonical = bytes.toByteArray();
      assertArrayEquals(canonical, VECTORS.get("canonical_" + id), "canonical_" + id);
      head = sha256(ascii("lanchat v2 room chain"), head, canonical);
      assertArrayEquals(head, VECTORS.get("head_" + id), "head_" + id);
    }

    byte[] salt = concat(ascii("lanchat v2 verify words"), str(ROOM), u64(3));
    byte[] words = SCrypt.generate(head, salt, 1 << 14, 8, 1, 6);
    assertArrayEquals(words, VECTORS.get("verify_bytes"), "verify_bytes");
    List<String> spoken = new ArrayList<>();
    for (byte b : words) {
      spoken.add(JoinCodeWords.all().get(b & 0xFF));
    }
    assertEquals("#dev at event 3: " + String.join(" ", spoken), verifyLine);

    byte[] signedBytes = concat(ascii("lanchat v2 room head"), str(ROOM), u64(3), head);
    assertArrayEquals(signedBytes, VECTORS.get("signed_bytes"), "signed_bytes");
    byte[] sig = jdkEd25519Sign(filled(0x07), signedBytes);
    byte[] encoded = concat(str(ROOM), u64(3), head, BOB.publicKey(), sig);
    assertArrayEquals(encoded, VECTORS.get("signed_head"), "signed_head");
  }

  @Test
  void theDocumentPrintsTheExampleAsComputed() throws IOException {
    String block = block(VECTORS);
    Path doc = Path.of(System.getProperty("basedir", ".")).resolve("../docs/protocol.md")
        .normalize();
    if (!Files.isRegularFile(doc)) {
      fail("docs/protocol.md is missing (looked at " + doc.toAbsolutePath() + ")");
    }
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    assertTrue(text.contains("## Room chain"), "the section is missing");
    assertTrue(text.contains(block),
        "the room-chain vectors block of docs/protocol.md should read exactly:\n" + block);
    assertTrue(text.contains("\n    " + verifyLine + "\n"),
        "docs/protocol.md should show the /verify line, indented:\n    " + verifyLine);
  }

  // --- the independent computation ---

  private static byte[] jdkEd25519Sign(byte[] seed, byte[] message) throws Exception {
    // RFC 8410 PKCS#8 wrapping of a raw Ed25519 seed
    byte[] pkcs8 = concat(HEX.parseHex("302e020100300506032b657004220420"), seed);
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(KeyFactory.getInstance("Ed25519")
        .generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
    signer.update(message);
    return signer.sign();
  }

  private static byte[] sha256(byte[]... parts) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (byte[] part : parts) {
      sha.update(part);
    }
    return sha.digest();
  }

  private static byte[] filled(int value) {
    byte[] out = new byte[32];
    java.util.Arrays.fill(out, (byte) value);
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] str(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    return concat(new byte[] {(byte) (utf8.length >>> 8), (byte) utf8.length}, utf8);
  }

  private static byte[] u64(long v) {
    byte[] out = new byte[8];
    for (int i = 7; i >= 0; i--) {
      out[i] = (byte) v;
      v >>>= 8;
    }
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

}
