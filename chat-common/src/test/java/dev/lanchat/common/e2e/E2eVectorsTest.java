package dev.lanchat.common.e2e;

import static dev.lanchat.common.testing.VectorBlocks.block;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worked example of the section "End-to-end layer" of docs/protocol.md: builds it with the
 * layer's code from fixed "random" blocks, recomputes every value from the section's words
 * alone (bytes laid out by hand; Ed25519, HMAC-SHA256 and ChaCha20-Poly1305 from the JDK; HPKE
 * from BouncyCastle's {@code HPKE} class, itself checked against RFC 9180 by {@link
 * HpkeRfc9180Test}), checks both agree, and that the document prints them.
 */
class E2eVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final long T0 = 1_767_225_600_000L;
  private static final long DAY = 24L * 3600 * 1000;
  private static final long NOT_AFTER = T0 + 14 * DAY;
  /** Bob's second key is made a week after the first, when his ring's rotation is due. */
  private static final long T1 = T0 + 7 * DAY;
  private static final long NOT_AFTER_2 = T1 + 14 * DAY;
  /** The first key's private half is kept a week after its not_after, then wiped. */
  private static final long WIPED_AT_1 = NOT_AFTER + 7 * DAY;
  private static final String ROOM = "#ops";
  private static final byte[] DM_TEXT = "hello bob".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ROOM_TEXT = "hello room".getBytes(StandardCharsets.UTF_8);
  private static final byte[] DM_TEXT_2 = "hello again".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ROOM_TEXT_2 = "after bob".getBytes(StandardCharsets.UTF_8);
  /** Alice's epoch-1 sender key to carol: drawn, sealed and opened, but not printed. */
  private static final int CAROL_EPOCH_1_EPHEMERAL = 0x4a;

  private static final Map<String, byte[]> OURS = new LinkedHashMap<>();

  private static byte[] filled(int value) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) value);
    return b;
  }

  @BeforeAll
  static void buildTheExampleWithTheLayersCode() {
    Identity alice = Identity.fromSeed(filled(0x05));
    Identity bob = Identity.fromSeed(filled(0x07));
    Identity carol = Identity.fromSeed(filled(0x09));
    KeyRing bobRing =
        KeyRing.create(bob, RotationSchedule.DEFAULT, new FixedBlocks(0x31, 0x32), T0);
    KeyRing aliceRing =
        KeyRing.create(alice, RotationSchedule.DEFAULT, new FixedBlocks(0x21), T0);
    KeyRing carolRing =
        KeyRing.create(carol, RotationSchedule.DEFAULT, new FixedBlocks(0x33), T0);
    FixedBlocks sealerRandom =
        new FixedBlocks(0x41, 0x42, CAROL_EPOCH_1_EPHEMERAL, 0x43, 0x44);
    DmSealer aliceSealer = new DmSealer(aliceRing, sealerRandom);
    FixedBlocks roomRandom = new FixedBlocks(0x51, 0x52);
    E2eRoom room = new E2eRoom(ROOM, alice, aliceSealer, roomRandom);

    E2eKey bobKey = bobRing.current();
    E2eKey carolKey = carolRing.current();
    OURS.put("bob_e2e_key", bobKey.encode());
    SealedDm dm = aliceSealer.seal(bobKey, DmContent.TEXT, DM_TEXT);
    OURS.put("sealed_dm", dm.encode());
    E2eRoom.Membership membership = room.setMembers(
        List.of(member(bob, bobKey), member(carol, carolKey)), T0);
    assertEquals(List.of(id(bob), id(carol)),
        membership.deliveries().stream().map(E2eRoom.Delivery::recipient).toList());
    SealedDm toBob = membership.deliveries().get(0).dm();
    SealedDm toCarol = membership.deliveries().get(1).dm();
    OURS.put("sealed_sender_key", toBob.encode());
    OURS.put("sender_key", SenderKeyDistribution.encode(ROOM, new SenderChain(1, 1, filled(0x51))));
    RoomMessage roomMessage = room.seal(ROOM_TEXT);
    OURS.put("room_message", roomMessage.encode());
    SenderChain chain = new SenderChain(1, 1, filled(0x51));
    byte[] keys = chain.next();
    OURS.put("message_key_1", Arrays.copyOf(keys, 32));
    OURS.put("nonce_1", Arrays.copyOfRange(keys, 32, 44));
    OURS.put("chain_key_2", chain.chainKey());
    OURS.put("e2e_key_plaintext", MessageCodec.encode(new ClientMessage.E2eKey(bobKey)));
    OURS.put("sealed_dm_plaintext", MessageCodec.encode(new ClientMessage.SealedDm(1, "bob", dm)));
    OURS.put("e2e_say_plaintext",
        MessageCodec.encode(new ClientMessage.E2eSay(2, ROOM, roomMessage)));
    EventHeader envelope = new EventHeader(ROOM, 1, ByteString.copyOf(filled(0x11)), T0,
        ByteString.copyOf(alice.publicKey()));
    OURS.put("e2e_message_plaintext",
        MessageCodec.encode(new ServerMessage.E2eMessage(envelope, "alice", roomMessage)));

    // key rotation: a week on, bob's ring makes key 2; alice seals to the newest valid key
    assertTrue(bobRing.rotateIfDue(T1 - 1).isEmpty(), "rotation is not due before a week");
    E2eKey bobKey2 = bobRing.rotateIfDue(T1).orElseThrow();
    assertEquals(bobKey2, bobRing.current());
    OURS.put("bob_e2e_key_2", bobKey2.encode());
    assertEquals(bobKey, sealTo(id(bob), List.of(bobKey), T1 - 1));
    assertEquals(bobKey2, sealTo(id(bob), List.of(bobKey, bobKey2), T1));
    assertInstanceOf(E2eKey.Check.Valid.class, bobKey.check(id(bob), bobKey.notAfter()));
    assertInstanceOf(E2eKey.Check.Expired.class, bobKey.check(id(bob), bobKey.notAfter() + 1));
    SealedDm dm2 = aliceSealer.seal(bobKey2, DmContent.TEXT, DM_TEXT_2);
    OURS.put("sealed_dm_2", dm2.encode());
    OURS.put("bob_e2e_key_1_wiped_at",
        u64(bobKey.notAfter() + RotationSchedule.DEFAULT.keepAfter().toMillis()));
    OURS.put("carol_e2e_key", carolKey.encode());

    // chain rotation: bob leaves #ops, carol stays; epoch 2 goes to carol only
    E2eRoom.Membership afterBob = room.setMembers(List.of(member(carol, carolKey)), T1);
    assertEquals(2, afterBob.epoch());
    assertEquals(List.of(id(carol)),
        afterBob.deliveries().stream().map(E2eRoom.Delivery::recipient).toList());
    SealedDm toCarol2 = afterBob.deliveries().getFirst().dm();
    OURS.put("sender_key_2",
        SenderKeyDistribution.encode(ROOM, new SenderChain(2, 1, filled(0x52))));
    OURS.put("sealed_sender_key_2", toCarol2.encode());
    byte[] keys2 = new SenderChain(2, 1, filled(0x52)).next();
    OURS.put("message_key_e2_1", Arrays.copyOf(keys2, 32));
    OURS.put("nonce_e2_1", Arrays.copyOfRange(keys2, 32, 44));
    RoomMessage roomMessage2 = room.seal(ROOM_TEXT_2);
    OURS.put("room_message_2", roomMessage2.encode());
    assertTrue(sealerRandom.exhausted() && roomRandom.exhausted());

    readersOpenWhatTheyShould(alice, bob, carol, bobRing, carolRing, aliceRing,
        List.of(dm, toBob, dm2), List.of(toCarol, toCarol2), List.of(roomMessage, roomMessage2));
  }

  /**
   * Bob reads his DMs (the first under key 1, the last under key 2) and epoch 1, not epoch 2;
   * carol reads epoch 2; once key 1's wipe time has passed, a DM sealed to it opens no more.
   */
  private static void readersOpenWhatTheyShould(Identity alice, Identity bob, Identity carol,
      KeyRing bobRing, KeyRing carolRing, KeyRing aliceRing, List<SealedDm> toBob,
      List<SealedDm> toCarol, List<RoomMessage> said) {
    ByteString aliceId = id(alice);
    E2eRoom.Member aliceMember = new E2eRoom.Member(aliceId, aliceRing.current());
    DmSealer bobSealer = new DmSealer(bobRing, new FixedBlocks(0x71));
    E2eRoom bobRoom = new E2eRoom(ROOM, bob, bobSealer, new FixedBlocks(0x61));
    bobRoom.setMembers(List.of(aliceMember), T0);
    assertInstanceOf(DmOutcome.Opened.class, bobSealer.open(aliceId, toBob.get(0)));
    assertInstanceOf(InstallOutcome.Installed.class, bobRoom.install(
        assertInstanceOf(DmOutcome.Opened.class, bobSealer.open(aliceId, toBob.get(1)))));
    assertInstanceOf(RoomOutcome.Read.class, bobRoom.open(aliceId, said.get(0)));
    DmOutcome.Opened again =
        assertInstanceOf(DmOutcome.Opened.class, bobSealer.open(aliceId, toBob.get(2)));
    assertEquals(3, again.counter());
    RoomOutcome late = bobRoom.open(aliceId, said.get(1));
    assertEquals(RoomOutcome.Reason.NO_KEY,
        assertInstanceOf(RoomOutcome.Refused.class, late).reason(), "bob left: no epoch 2");

    DmSealer carolSealer = new DmSealer(carolRing, new FixedBlocks(0x72));
    E2eRoom carolRoom = new E2eRoom(ROOM, carol, carolSealer, new FixedBlocks(0x62));
    carolRoom.setMembers(List.of(aliceMember), T0);
    for (SealedDm key : toCarol) {
      assertInstanceOf(InstallOutcome.Installed.class, carolRoom.install(
          assertInstanceOf(DmOutcome.Opened.class, carolSealer.open(aliceId, key))));
    }
    RoomOutcome.Read read =
        assertInstanceOf(RoomOutcome.Read.class, carolRoom.open(aliceId, said.get(1)));
    assertArrayEquals(ROOM_TEXT_2, read.text());

    assertEquals(0, bobRing.forgetExpired(WIPED_AT_1), "kept until its wipe time has passed");
    assertEquals(List.of(1L, 2L), bobRing.serials());
    assertEquals(1, bobRing.forgetExpired(WIPED_AT_1 + 1));
    assertEquals(List.of(2L), bobRing.serials());
    assertEquals(DmOutcome.Reason.KEY_GONE, assertInstanceOf(DmOutcome.Refused.class,
        new DmSealer(bobRing, new FixedBlocks()).open(aliceId, toBob.get(0))).reason());
  }

  /**
   * The key a sender seals to at {@code now}: the newest (highest serial) whose {@code
   * not_after} has not passed, each checked by the layer's {@link E2eKey#check}.
   */
  private static E2eKey sealTo(ByteString owner, List<E2eKey> published, long now) {
    return published.stream()
        .filter(k -> k.check(owner, now) instanceof E2eKey.Check.Valid)
        .max(java.util.Comparator.comparingLong(E2eKey::serial)).orElseThrow();
  }

  private static E2eRoom.Member member(Identity who, E2eKey key) {
    return new E2eRoom.Member(id(who), key);
  }

  private static ByteString id(Identity who) {
    return ByteString.copyOf(who.publicKey());
  }

  /** Every value again, from the section alone. */
  private static Map<String, byte[]> byHand() throws Exception {
    Map<String, byte[]> v = new LinkedHashMap<>();
    byte[] alice = edPublic(filled(0x05));
    byte[] bob = edPublic(filled(0x07));
    byte[] bobX = x25519Public(filled(0x31));
    v.put("alice_id", alice);
    v.put("bob_id", bob);
    v.put("bob_e2e_public", bobX);
    byte[] keySigned = cat(ascii("lanchat v2 e2e key"), bobX, u64(NOT_AFTER), u32(1));
    v.put("e2e_key_signed", keySigned);
    v.put("bob_e2e_key", cat(bob, bobX, u64(NOT_AFTER), u32(1), edSign(filled(0x07), keySigned)));

    byte[] info = cat(ascii("lanchat v2 e2e dm"), alice, bob, u32(1));
    v.put("dm_info", info);
    byte[] dmSigned = cat(ascii("lanchat v2 e2e dm sig"), bob, u32(1), new byte[] {1}, u64(1),
        DM_TEXT);
    v.put("dm_signed", dmSigned);
    byte[] body = cat(new byte[] {1}, u64(1), DM_TEXT, edSign(filled(0x05), dmSigned));
    v.put("dm_body", body);
    v.put("sealed_dm", cat(u32(1), hpkeSeal(bobX, info, body, filled(0x41))));

    byte[] distribution = cat(str(ROOM), u32(1), u32(1), filled(0x51));
    v.put("sender_key", distribution);
    byte[] skSigned = cat(ascii("lanchat v2 e2e dm sig"), bob, u32(1), new byte[] {2}, u64(2),
        distribution);
    byte[] skBody = cat(new byte[] {2}, u64(2), distribution, edSign(filled(0x05), skSigned));
    v.put("sealed_sender_key", cat(u32(1), hpkeSeal(bobX, info, skBody, filled(0x42))));

    byte[] keys = hkdfExpand(filled(0x51), ascii("lanchat v2 e2e message key"), 44);
    v.put("message_key_1", Arrays.copyOf(keys, 32));
    v.put("nonce_1", Arrays.copyOfRange(keys, 32, 44));
    v.put("chain_key_2", hkdfExpand(filled(0x51), ascii("lanchat v2 e2e chain key"), 32));
    byte[] header = cat(ascii("lanchat v2 e2e room"), str(ROOM), alice, u32(1), u32(1));
    v.put("room_header", header);
    byte[] ct = chacha(keys, header, ROOM_TEXT);
    byte[] roomMessage = cat(u32(1), u32(1), ct, edSign(filled(0x05), cat(header, ct)));
    v.put("room_message", roomMessage);

    // the messages that carry them (protocol §4.2, §4.3), as bytes laid out by hand
    v.put("e2e_key_plaintext", cat(new byte[] {0x1c}, v.get("bob_e2e_key")));
    v.put("sealed_dm_plaintext", cat(new byte[] {0x1e}, u64(1), str("bob"),
        bytes(v.get("sealed_dm"))));
    v.put("e2e_say_plaintext", cat(new byte[] {0x1f}, u64(2), str(ROOM), bytes(roomMessage)));
    v.put("e2e_message_plaintext", cat(new byte[] {0x30}, str(ROOM), u64(1), filled(0x11),
        u64(T0), alice, str("alice"), bytes(roomMessage)));
    rotationsByHand(v, alice, bob);
    return v;
  }

  /** The second half of the example: bob's key 2, and #ops's epoch 2 after bob left. */
  private static void rotationsByHand(Map<String, byte[]> v, byte[] alice, byte[] bob)
      throws Exception {
    byte[] bobX2 = x25519Public(filled(0x32));
    v.put("bob_e2e_public_2", bobX2);
    byte[] key2Signed = cat(ascii("lanchat v2 e2e key"), bobX2, u64(NOT_AFTER_2), u32(2));
    v.put("bob_e2e_key_2",
        cat(bob, bobX2, u64(NOT_AFTER_2), u32(2), edSign(filled(0x07), key2Signed)));
    v.put("bob_e2e_key_1_wiped_at", u64(WIPED_AT_1));
    byte[] dm2Signed = cat(ascii("lanchat v2 e2e dm sig"), bob, u32(2), new byte[] {1}, u64(3),
        DM_TEXT_2);
    byte[] dm2Body = cat(new byte[] {1}, u64(3), DM_TEXT_2, edSign(filled(0x05), dm2Signed));
    byte[] info2 = cat(ascii("lanchat v2 e2e dm"), alice, bob, u32(2));
    v.put("sealed_dm_2", cat(u32(2), hpkeSeal(bobX2, info2, dm2Body, filled(0x43))));

    byte[] carol = edPublic(filled(0x09));
    byte[] carolX = x25519Public(filled(0x33));
    v.put("carol_id", carol);
    v.put("carol_e2e_public", carolX);
    byte[] carolSigned = cat(ascii("lanchat v2 e2e key"), carolX, u64(NOT_AFTER), u32(1));
    v.put("carol_e2e_key",
        cat(carol, carolX, u64(NOT_AFTER), u32(1), edSign(filled(0x09), carolSigned)));
    byte[] distribution = cat(str(ROOM), u32(2), u32(1), filled(0x52));
    v.put("sender_key_2", distribution);
    byte[] skSigned = cat(ascii("lanchat v2 e2e dm sig"), carol, u32(1), new byte[] {2}, u64(2),
        distribution);
    byte[] skBody = cat(new byte[] {2}, u64(2), distribution, edSign(filled(0x05), skSigned));
    byte[] carolInfo = cat(ascii("lanchat v2 e2e dm"), alice, carol, u32(1));
    v.put("sealed_sender_key_2", cat(u32(1), hpkeSeal(carolX, carolInfo, skBody, filled(0x44))));

    byte[] keys = hkdfExpand(filled(0x52), ascii("lanchat v2 e2e message key"), 44);
    v.put("message_key_e2_1", Arrays.copyOf(keys, 32));
    v.put("nonce_e2_1", Arrays.copyOfRange(keys, 32, 44));
    byte[] header = cat(ascii("lanchat v2 e2e room"), str(ROOM), alice, u32(2), u32(1));
    byte[] ct = chacha(keys, header, ROOM_TEXT_2);
    v.put("room_message_2", cat(u32(2), u32(1), ct, edSign(filled(0x05), cat(header, ct))));
  }

  private static byte[] chacha(byte[] keys, byte[] aad, byte[] text) throws Exception {
    Cipher chacha = Cipher.getInstance("ChaCha20-Poly1305");
    chacha.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Arrays.copyOf(keys, 32), "ChaCha20"),
        new IvParameterSpec(Arrays.copyOfRange(keys, 32, 44)));
    chacha.updateAAD(aad);
    return chacha.doFinal(text);
  }

  @Test
  void theExampleMatchesAComputationFromTheDocumentAlone() throws Exception {
    Map<String, byte[]> hand = byHand();
    for (Map.Entry<String, byte[]> e : OURS.entrySet()) {
      assertTrue(hand.containsKey(e.getKey()), e.getKey() + " is not in the page's block");
      assertArrayEquals(hand.get(e.getKey()), e.getValue(), e.getKey());
    }
  }

  @Test
  void theDocumentPrintsTheExampleAsComputed() throws Exception {
    String block = block(byHand());
    Path doc = Path.of(System.getProperty("basedir", ".")).resolve("../docs/protocol.md")
        .normalize();
    if (!Files.isRegularFile(doc)) {
      fail("docs/protocol.md is missing (looked at " + doc.toAbsolutePath() + ")");
    }
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    assertTrue(text.contains("## End-to-end layer"), "the section is missing");
    assertTrue(text.contains(block),
        "the end-to-end vectors block of docs/protocol.md should read exactly:\n" + block);
  }

  @Test
  void theSizesAreAsTheSectionSays() throws Exception {
    Map<String, byte[]> hand = byHand();
    assertEquals(E2eKey.SIZE, hand.get("bob_e2e_key").length);
    assertEquals(4 + 32 + 1 + 8 + DM_TEXT.length + 64 + 16, hand.get("sealed_dm").length);
    assertEquals(8 + ROOM_TEXT.length + 16 + 64, hand.get("room_message").length);
    assertEquals(4 + 32 + 1 + 8 + DM_TEXT_2.length + 64 + 16, hand.get("sealed_dm_2").length);
    assertEquals(8 + ROOM_TEXT_2.length + 16 + 64, hand.get("room_message_2").length);
    assertEquals(E2eKey.SIZE, hand.get("bob_e2e_key_2").length);
  }

  private static byte[] hpkeSeal(byte[] recipient, byte[] info, byte[] body, byte[] ephemeral)
      throws Exception {
    HPKE hpke = new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256,
        HPKE.aead_CHACHA20_POLY1305);
    X25519PrivateKeyParameters sk = new X25519PrivateKeyParameters(ephemeral, 0);
    var ctx = hpke.setupBaseS(new X25519PublicKeyParameters(recipient, 0), info,
        new AsymmetricCipherKeyPair(sk.generatePublicKey(), sk));
    return cat(ctx.getEncapsulation(), ctx.seal(new byte[0], body));
  }

  /** HKDF-Expand (RFC 5869 §2.3) for up to 64 bytes, with the JDK's HMAC. */
  private static byte[] hkdfExpand(byte[] prk, byte[] info, int length) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    byte[] t1 = mac.doFinal(cat(info, new byte[] {1}));
    byte[] t2 = mac.doFinal(cat(t1, info, new byte[] {2}));
    return Arrays.copyOf(cat(t1, t2), length);
  }

  private static byte[] x25519Public(byte[] scalar) {
    return new X25519PrivateKeyParameters(scalar, 0).generatePublicKey().getEncoded();
  }

  private static byte[] edPublic(byte[] seed) {
    return Identity.fromSeed(seed).publicKey();
  }

  private static byte[] edSign(byte[] seed, byte[] message) throws Exception {
    byte[] pkcs8 = cat(HEX.parseHex("302e020100300506032b657004220420"), seed);
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(KeyFactory.getInstance("Ed25519")
        .generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
    signer.update(message);
    return signer.sign();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] str(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return cat(new byte[] {(byte) (b.length >> 8), (byte) b.length}, b);
  }

  /** A {@code bytes} field: a u16 length, then the bytes. */
  private static byte[] bytes(byte[] b) {
    return cat(new byte[] {(byte) (b.length >> 8), (byte) b.length}, b);
  }

  private static byte[] u32(long v) {
    return ByteBuffer.allocate(4).putInt((int) v).array();
  }

  private static byte[] u64(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

}
