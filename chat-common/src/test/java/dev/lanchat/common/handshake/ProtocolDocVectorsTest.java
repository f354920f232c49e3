package dev.lanchat.common.handshake;

import dev.lanchat.common.message.ChainEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHash;
import dev.lanchat.common.crypto.Hkdf;
import dev.lanchat.common.discovery.DiscoveryReply;
import dev.lanchat.common.discovery.DiscoveryRequest;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.crypto.X25519;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.DmStatus;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.RoomSummary;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worked example in docs/protocol.md: recomputes every value with our code, checks it
 * against a from-scratch computation with the JDK alone (so the vectors do not only test the
 * code against itself), and checks that every hex value printed in the document is the
 * recomputed one.
 */
class ProtocolDocVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final int HEX_PER_LINE = 64;

  /** Name → value, in the order the document lists them. */
  private static final Map<String, byte[]> VECTORS = new LinkedHashMap<>();

  private static byte[] filled(int value) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) value);
    return out;
  }

  private static byte[] frame(byte[] payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new FrameWriter(out).writeFrame(payload);
    return out.toByteArray();
  }

  private static List<byte[]> frames(byte[] wire) throws IOException {
    FrameReader reader = new FrameReader(new ByteArrayInputStream(wire));
    List<byte[]> out = new ArrayList<>();
    while (true) {
      try {
        out.add(reader.readFrame());
      } catch (EOFException end) {
        return out;
      }
    }
  }

  /** Runs both roles with the fixed inputs through our code and records every value. */
  @BeforeAll
  static void computeWithOurCode() throws Exception {
    byte[] serverPrivate = filled(0x01);
    byte[] clientPrivate = filled(0x02);
    byte[] salt = filled(0x03);
    byte[] seed = filled(0x04);
    Identity identity = Identity.fromSeed(seed);
    Identity client = Identity.fromSeed(HEX.parseHex(RFC8032_TEST1_SEED));
    byte[] se = X25519.fromPrivate(serverPrivate).publicKey();
    byte[] ce = X25519.fromPrivate(clientPrivate).publicKey();

    // staged: with a fixed client key its ClientHello is known before the server runs
    byte[] clientHelloFrame = frame(new ClientHello(ce).encode());
    ByteArrayOutputStream serverOut = new ByteArrayOutputStream();
    FrameReader serverReader = new FrameReader(new ByteArrayInputStream(clientHelloFrame));
    FrameWriter serverWriter = new FrameWriter(serverOut);
    MessageChannel server = new MessageChannel(ServerHandshake.run(serverReader, serverWriter,
        identity, X25519.fromPrivate(serverPrivate), salt).channel(serverReader, serverWriter));
    byte[] serverHandshakeWire = serverOut.toByteArray();
    ByteArrayOutputStream clientOut = new ByteArrayOutputStream();
    FrameReader clientReader = new FrameReader(new ByteArrayInputStream(serverHandshakeWire));
    FrameWriter clientWriter = new FrameWriter(clientOut);
    HandshakeResult clientResult = ClientHandshake.run(clientReader, clientWriter, client,
        X25519.fromPrivate(clientPrivate), ServerKeyVerifier.TRUST_ANY);
    MessageChannel clientChannel =
        new MessageChannel(clientResult.channel(clientReader, clientWriter));

    clientChannel.send(new ClientMessage.Join("alice"));
    server.send(welcome());
    List<byte[]> serverFrames = frames(serverOut.toByteArray());
    List<byte[]> clientFrames = frames(clientOut.toByteArray());
    assertEquals(3, serverFrames.size());
    assertEquals(3, clientFrames.size());
    assertEquals(HEX.formatHex(new ClientHello(ce).encode()), HEX.formatHex(clientFrames.get(0)));
    ClientMessage.ClientAuth proof = ClientAuthentication.prove(client, clientResult.th());
    assertEquals(new ClientAuthOutcome.Authenticated(proof.key()),
        ClientAuthentication.check(proof, clientResult.th()));

    byte[] serverHello = serverFrames.get(0);
    byte[] clientHello = clientFrames.get(0);
    byte[] shared = X25519.agree(serverPrivate, ce);
    assertEquals(HEX.formatHex(shared), HEX.formatHex(X25519.agree(clientPrivate, se)));
    KeySchedule keys = KeySchedule.derive(shared, salt, serverHello, clientHello);
    byte[] sig = identity.sign(KeySchedule.serverAuthMessage(keys.th()));

    VECTORS.put("server_ephemeral_private", serverPrivate);
    VECTORS.put("client_ephemeral_private", clientPrivate);
    VECTORS.put("salt", salt);
    VECTORS.put("identity_seed", seed);
    VECTORS.put("Se", se);
    VECTORS.put("Ce", ce);
    VECTORS.put("Si", identity.publicKey());
    VECTORS.put("server_hello", serverHello);
    VECTORS.put("client_hello", clientHello);
    VECTORS.put("shared", shared);
    VECTORS.put("th", keys.th());
    VECTORS.put("prk", Hkdf.extract(salt, shared));
    VECTORS.put("k_c2s", keys.kC2s());
    VECTORS.put("k_s2c", keys.kS2c());
    VECTORS.put("server_auth_sig", sig);
    VECTORS.put("server_auth_plaintext", MessageCodec.encode(new ServerMessage.ServerAuth(sig)));
    VECTORS.put("server_auth_record", serverFrames.get(1));
    VECTORS.put("client_identity_seed", HEX.parseHex(RFC8032_TEST1_SEED));
    VECTORS.put("Ci", client.publicKey());
    VECTORS.put("client_auth_sig", proof.sig().toByteArray());
    VECTORS.put("client_auth_plaintext", MessageCodec.encode(proof));
    VECTORS.put("client_auth_record", clientFrames.get(1));
    VECTORS.put("join_plaintext", MessageCodec.encode(new ClientMessage.Join("alice")));
    VECTORS.put("join_record", clientFrames.get(2));
    VECTORS.put("welcome_plaintext", MessageCodec.encode(welcome()));
    VECTORS.put("welcome_record", serverFrames.get(2));
    // the other messages v2 changed, as plaintexts (protocol §4)
    ByteString ci = ByteString.copyOf(client.publicKey());
    Member alice = new Member("alice", ci);
    head = ChainHash.genesis(ROOM).head();
    VECTORS.put("joined_plaintext", MessageCodec.encode(
        chained(1, h -> new ServerMessage.Joined(h, alice), ci)));
    VECTORS.put("roster_plaintext", MessageCodec.encode(new ServerMessage.Roster(ROOM, false,
        List.of(new RosterEntry(new Member("alice", client.publicKey()))))));
    VECTORS.put("message_plaintext", MessageCodec.encode(
        chained(2, h -> new ServerMessage.Chat(h, "alice", "hello\nworld"), ci)));
    VECTORS.put("action_plaintext", MessageCodec.encode(
        chained(3, h -> new ServerMessage.Action(h, "alice", "waves"), ci)));
    VECTORS.put("topic_plaintext", MessageCodec.encode(
        chained(4, h -> new ServerMessage.Topic(h, "alice", "lunch at noon"), ci)));
    VECTORS.put("renamed_plaintext", MessageCodec.encode(
        chained(5, h -> new ServerMessage.Renamed(h, "alice", "al"), ci)));
    VECTORS.put("left_plaintext", MessageCodec.encode(
        chained(6, h -> new ServerMessage.Left(h, "al", "parted", "see you"), ci)));
    ServerMessage.MembersChanged changed = new ServerMessage.MembersChanged(ROOM, 7, ZERO_HEAD,
        EVENT_TIME, List.of(new MemberChange.Joined(new Member("al", ci)),
            new MemberChange.Left(ci, "al", "", "")));
    for (dev.lanchat.common.chain.RoomEvent e : ChainEvents.of(changed)) {
      head = ChainHash.next(head, e);
    }
    VECTORS.put("members_changed_plaintext", MessageCodec.encode(new ServerMessage.MembersChanged(
        ROOM, 7, head, EVENT_TIME, changed.changes())));
    VECTORS.put("entered_plaintext", MessageCodec.encode(
        new ServerMessage.Entered(ROOM, "lunch at noon", 2, 1, 0)));
    VECTORS.put("dm_echo_plaintext", MessageCodec.encode(new ServerMessage.Dm(EVENT_TIME,
        "alice", "bob", "psst", DmStatus.AWAY, "lunch")));
    VECTORS.put("room_list_plaintext", MessageCodec.encode(new ServerMessage.RoomList(
        List.of(new RoomSummary(ROOM, 2, "lunch at noon")))));
    VECTORS.put("enter_plaintext", MessageCodec.encode(new ClientMessage.Enter(ROOM, 0)));
    VECTORS.put("say_plaintext", MessageCodec.encode(
        new ClientMessage.Say(1, ROOM, "hello\nworld")));
    VECTORS.put("me_plaintext", MessageCodec.encode(new ClientMessage.Me(2, ROOM, "waves")));
    VECTORS.put("dm_plaintext", MessageCodec.encode(new ClientMessage.Dm(3, "bob", "psst")));
    VECTORS.put("who_plaintext", MessageCodec.encode(new ClientMessage.Who(ROOM)));
    VECTORS.put("topic_set_plaintext", MessageCodec.encode(
        new ClientMessage.Topic(ROOM, "lunch at noon")));
    VECTORS.put("nick_plaintext", MessageCodec.encode(new ClientMessage.Nick("al")));
    VECTORS.put("away_plaintext", MessageCodec.encode(new ClientMessage.Away("lunch")));
    VECTORS.put("part_plaintext", MessageCodec.encode(new ClientMessage.Part(ROOM, "see you")));
    VECTORS.put("rooms_plaintext", MessageCodec.encode(new ClientMessage.Rooms()));
    VECTORS.put("bye_plaintext", MessageCodec.encode(new ClientMessage.Bye("see you")));

    // discovery (protocol §8): the same identity answers a request carrying a fixed nonce
    byte[] nonce = filled(0x05);
    DiscoveryReply reply = DiscoveryReply.sign(identity, nonce, DISCOVERY_PORT, DISCOVERY_NAME);
    VECTORS.put("discovery_nonce", nonce);
    VECTORS.put("discovery_request", new DiscoveryRequest(nonce).encode());
    VECTORS.put("discovery_sig", reply.sig().toByteArray());
    VECTORS.put("discovery_reply", reply.encode());
    FINGERPRINT[0] = identity.fingerprint();
    PEM[0] = identity.toPem();
  }

  private static final int DISCOVERY_PORT = 5000;
  private static final String DISCOVERY_NAME = "office-pc";
  private static final String[] FINGERPRINT = new String[1];
  private static final String[] PEM = new String[1];

  /** RFC 8032 §7.1, TEST 1: the client's identity seed and its public key. */
  private static final String RFC8032_TEST1_SEED =
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  private static final String RFC8032_TEST1_PUBLIC =
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  /** The room of the event examples. */
  private static final String ROOM = "#general";
  /** A stand-in head while an event's real head, which its canonical bytes omit, is made. */
  private static final ByteString ZERO_HEAD = ByteString.copyOf(new byte[32]);
  /** The {@code time} of the JOINED and LEFT examples: 2023-11-14T22:13:20Z. */
  private static final long EVENT_TIME = 1_700_000_000_000L;

  private static ServerMessage.Welcome welcome() {
    return new ServerMessage.Welcome("alice", DISCOVERY_NAME, "hi", 10_000, 20, 20);
  }

  private static String get(String name) {
    return HEX.formatHex(VECTORS.get(name));
  }

  private static byte[] bytes(String name) {
    return VECTORS.get(name).clone();
  }

  // --- an independent computation with the JDK alone ---

  private static byte[] jdkX25519(byte[] privateKey, BigInteger u) throws Exception {
    KeyFactory kf = KeyFactory.getInstance("XDH");
    PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
    PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u));
    KeyAgreement ka = KeyAgreement.getInstance("XDH");
    ka.init(priv);
    ka.doPhase(pub, true);
    return ka.generateSecret();
  }

  /** An RFC 7748 u-coordinate: little-endian, bit 255 masked. */
  private static BigInteger littleEndian(byte[] u) {
    byte[] be = new byte[u.length];
    for (int i = 0; i < u.length; i++) {
      be[i] = u[u.length - 1 - i];
    }
    be[0] &= 0x7F;
    return new BigInteger(1, be);
  }

  private static byte[] hmac(byte[] key, byte[]... parts) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    for (byte[] part : parts) {
      mac.update(part);
    }
    return mac.doFinal();
  }

  /** The room chain head after the last event {@link #chained} made. */
  private static ByteString head;

  /**
   * The event {@code build} makes with event id {@code id}, {@link #EVENT_TIME} and {@code
   * sender}, carrying the head after it, chained on {@link #head}.
   */
  private static <E extends ServerMessage.Event> E chained(long id,
      java.util.function.Function<EventHeader, E> build, ByteString sender) {
    // the canonical bytes leave the head out: a draft with any head hashes the same
    E draft = build.apply(new EventHeader(ROOM, id, ZERO_HEAD, EVENT_TIME, sender));
    head = ChainHash.next(head, ChainEvents.of(draft));
    return build.apply(new EventHeader(ROOM, id, head, EVENT_TIME, sender));
  }

  /** {@code SHA-256("lanchat v2 room chain" ‖ previous ‖ canonical)}: the room chain's step. */
  private static byte[] roomChain(byte[] previous, byte[] canonical) throws Exception {
    return MessageDigest.getInstance("SHA-256")
        .digest(concat(ascii("lanchat v2 room chain"), previous, canonical));
  }

  /**
   * A room event laid out by hand: {@code type ‖ room ‖ id ‖ head ‖ time ‖ sender ‖ payload},
   * with the head after it chained on {@code running[0]}, which it advances.
   */
  private static String hexEvent(byte[][] running, int type, long id, byte[] time, byte[] sender,
      byte[] payload) throws Exception {
    byte[] room = str(ROOM);
    running[0] = roomChain(running[0], canonical(sender, room, id, time, type, payload));
    return HEX.formatHex(concat(new byte[] {(byte) type}, room, u64(id), running[0], time,
        sender, payload));
  }

  /** {@code sender ‖ room ‖ id ‖ time ‖ type ‖ u32(length) ‖ payload}, by hand. */
  private static byte[] canonical(byte[] sender, byte[] room, long id, byte[] time, int type,
      byte[] payload) throws IOException {
    return concat(sender, room, u64(id), time, new byte[] {(byte) type}, u32(payload.length),
        payload);
  }

  private static byte[] u64(long value) {
    byte[] out = new byte[8];
    for (int i = 7; i >= 0; i--) {
      out[i] = (byte) value;
      value >>>= 8;
    }
    return out;
  }

  private static byte[] str(String value) throws IOException {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    return concat(new byte[] {(byte) (utf8.length >>> 8), (byte) utf8.length}, utf8);
  }

  private static byte[] u32(int value) {
    return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8),
        (byte) value};
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] gcm(byte[] key, long seq, byte[] plaintext) throws Exception {
    byte[] nonce = new byte[12];
    for (int i = 0; i < 8; i++) {
      nonce[11 - i] = (byte) (seq >>> (8 * i));
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    return c.doFinal(plaintext);
  }

  @Test
  void ourValuesEqualAFromScratchJdkComputation() throws Exception {
    byte[] serverPrivate = filled(0x01);
    byte[] clientPrivate = filled(0x02);
    byte[] salt = filled(0x03);
    byte[] seed = filled(0x04);

    byte[] se = jdkX25519(serverPrivate, BigInteger.valueOf(9));
    byte[] ce = jdkX25519(clientPrivate, BigInteger.valueOf(9));
    assertEquals(get("Se"), HEX.formatHex(se));
    assertEquals(get("Ce"), HEX.formatHex(ce));
    byte[] shared = jdkX25519(serverPrivate, littleEndian(ce));
    assertEquals(HEX.formatHex(shared), HEX.formatHex(jdkX25519(clientPrivate, littleEndian(se))));
    assertEquals(get("shared"), HEX.formatHex(shared));

    byte[] si = bytes("Si");
    ByteArrayOutputStream sh = new ByteArrayOutputStream();
    sh.write(ascii("LANCHAT"));
    sh.write(2);
    sh.write(se);
    sh.write(salt);
    sh.write(si);
    ByteArrayOutputStream ch = new ByteArrayOutputStream();
    ch.write(ascii("LANCHAT"));
    ch.write(2);
    ch.write(ce);
    assertEquals(get("server_hello"), HEX.formatHex(sh.toByteArray()));
    assertEquals(get("client_hello"), HEX.formatHex(ch.toByteArray()));

    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(sh.toByteArray());
    sha.update(ch.toByteArray());
    byte[] th = sha.digest();
    assertEquals(get("th"), HEX.formatHex(th));

    // HKDF (RFC 5869) by hand: PRK = HMAC(salt, IKM); a 32-byte OKM is T(1) = HMAC(PRK, info ‖ 0x01)
    byte[] prk = hmac(salt, shared);
    assertEquals(get("prk"), HEX.formatHex(prk));
    byte[] kC2s = hmac(prk, ascii("lanchat v2 c2s"), th, new byte[] {1});
    byte[] kS2c = hmac(prk, ascii("lanchat v2 s2c"), th, new byte[] {1});
    assertEquals(get("k_c2s"), HEX.formatHex(kC2s));
    assertEquals(get("k_s2c"), HEX.formatHex(kS2c));

    // Ed25519 with the JDK: same seed, so a deterministic signature must be the same bytes
    byte[] signed = concat(ascii("lanchat v2 server auth"), th);
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(KeyFactory.getInstance("Ed25519")
        .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed)));
    signer.update(signed);
    byte[] sig = signer.sign();
    assertEquals(get("server_auth_sig"), HEX.formatHex(sig));
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(edPublicKey(si));
    verifier.update(signed);
    assertTrue(verifier.verify(sig), "Si from the ServerHello verifies the JDK's signature");

    byte[] authPlaintext = concat(new byte[] {0x01}, sig);
    assertEquals(get("server_auth_plaintext"), HEX.formatHex(authPlaintext));
    assertEquals(get("server_auth_record"), HEX.formatHex(gcm(kS2c, 0, authPlaintext)));

    // CLIENT_AUTH: the RFC 8032 test key, so Ci is the RFC's published public key
    byte[] ci = HEX.parseHex(RFC8032_TEST1_PUBLIC);
    assertEquals(get("Ci"), HEX.formatHex(ci));
    byte[] clientSigned = concat(ascii("lanchat v2 client auth"), th);
    Signature clientSigner = Signature.getInstance("Ed25519");
    clientSigner.initSign(KeyFactory.getInstance("Ed25519").generatePrivate(
        new EdECPrivateKeySpec(NamedParameterSpec.ED25519, HEX.parseHex(RFC8032_TEST1_SEED))));
    clientSigner.update(clientSigned);
    byte[] clientSig = clientSigner.sign();
    assertEquals(get("client_auth_sig"), HEX.formatHex(clientSig));
    Signature clientVerifier = Signature.getInstance("Ed25519");
    clientVerifier.initVerify(edPublicKey(ci));
    clientVerifier.update(clientSigned);
    assertTrue(clientVerifier.verify(clientSig), "Ci verifies the JDK's CLIENT_AUTH signature");
    byte[] clientAuth = concat(new byte[] {0x16}, ci, clientSig);
    assertEquals(get("client_auth_plaintext"), HEX.formatHex(clientAuth));
    assertEquals(get("client_auth_record"), HEX.formatHex(gcm(kC2s, 0, clientAuth)));

    byte[] join = concat(new byte[] {0x10, 0x00, 0x05}, ascii("alice"));
    assertEquals(get("join_plaintext"), HEX.formatHex(join));
    assertEquals(get("join_record"), HEX.formatHex(gcm(kC2s, 1, join)));

    byte[] alice = concat(new byte[] {0x00, 0x05}, ascii("alice"), ci);
    byte[] welcome = concat(new byte[] {0x20, 0x00, 0x05}, ascii("alice"),
        new byte[] {0x00, 0x09}, ascii(DISCOVERY_NAME), new byte[] {0x00, 0x02}, ascii("hi"),
        new byte[] {0x00, 0x00, 0x27, 0x10}, new byte[] {0x00, 0x00, 0x00, 0x14},
        new byte[] {0x00, 0x14});
    assertEquals(get("welcome_plaintext"), HEX.formatHex(welcome));
    assertEquals(get("welcome_record"), HEX.formatHex(gcm(kS2c, 1, welcome)));

    byte[] time = HEX.parseHex("0000018bcfe56800");
    assertEquals(EVENT_TIME, new BigInteger(1, time).longValueExact());
    // the envelope: room "#general", id, the room chain head after the event, time, sender Ci
    byte[] room = str(ROOM);
    byte[][] running = {MessageDigest.getInstance("SHA-256")
        .digest(concat(ascii("lanchat v2 room genesis"), room))};
    assertEquals(get("joined_plaintext"), hexEvent(running, 0x22, 1, time, ci, alice));
    assertEquals(get("roster_plaintext"), HEX.formatHex(
        concat(new byte[] {0x25}, room, new byte[] {0x00, 0x00, 0x01}, alice, str(""))));
    assertEquals(get("message_plaintext"), hexEvent(running, 0x21, 2, time, ci,
        concat(str("alice"), str("hello\nworld"))));
    assertEquals(get("action_plaintext"), hexEvent(running, 0x32, 3, time, ci,
        concat(str("alice"), str("waves"))));
    assertEquals(get("topic_plaintext"), hexEvent(running, 0x34, 4, time, ci,
        concat(str("alice"), str("lunch at noon"))));
    assertEquals(get("renamed_plaintext"), hexEvent(running, 0x33, 5, time, ci,
        concat(str("alice"), str("al"))));
    assertEquals(get("left_plaintext"), hexEvent(running, 0x23, 6, time, ci,
        concat(str("al"), str("parted"), str("see you"))));
    // MEMBERS_CHANGED: change 0 is JOINED id 7, change 1 LEFT id 8, both at the flush's time
    byte[] al = concat(str("al"), ci);
    byte[] alLeft = concat(str("al"), str(""), str(""));
    running[0] = roomChain(running[0], canonical(ci, room, 7, time, 0x22, al));
    running[0] = roomChain(running[0], canonical(ci, room, 8, time, 0x23, alLeft));
    assertEquals(get("members_changed_plaintext"), HEX.formatHex(concat(new byte[] {0x31}, room,
        u64(7), running[0], time, new byte[] {0x00, 0x02}, new byte[] {0x01}, al,
        new byte[] {0x02}, ci, alLeft)));
    assertEquals(get("entered_plaintext"), HEX.formatHex(concat(new byte[] {0x35}, room,
        str("lunch at noon"), u32(2), u32(1), u64(0), new byte[] {0x00})));
    assertEquals(get("dm_echo_plaintext"), HEX.formatHex(concat(new byte[] {0x24}, time,
        str("alice"), str("bob"), str("psst"), new byte[] {0x02}, str("lunch"))));
    assertEquals(get("room_list_plaintext"), HEX.formatHex(concat(new byte[] {0x36, 0x00, 0x01},
        room, u32(2), str("lunch at noon"), new byte[] {0x00})));
    assertEquals(get("enter_plaintext"), HEX.formatHex(concat(new byte[] {0x40}, room, u64(0),
        new byte[] {0x00})));
    assertEquals(get("say_plaintext"), HEX.formatHex(concat(new byte[] {0x11}, u64(1), room,
        str("hello\nworld"))));
    assertEquals(get("me_plaintext"), HEX.formatHex(concat(new byte[] {0x42}, u64(2), room,
        str("waves"))));
    assertEquals(get("dm_plaintext"), HEX.formatHex(concat(new byte[] {0x12}, u64(3),
        str("bob"), str("psst"))));
    assertEquals(get("who_plaintext"), HEX.formatHex(concat(new byte[] {0x13}, room)));
    assertEquals(get("topic_set_plaintext"), HEX.formatHex(concat(new byte[] {0x44}, room,
        str("lunch at noon"))));
    assertEquals(get("nick_plaintext"), HEX.formatHex(concat(new byte[] {0x43}, str("al"))));
    assertEquals(get("away_plaintext"), HEX.formatHex(concat(new byte[] {0x45}, str("lunch"))));
    assertEquals(get("part_plaintext"), HEX.formatHex(concat(new byte[] {0x41}, room,
        str("see you"))));
    assertEquals(get("rooms_plaintext"), "46");
    assertEquals(get("bye_plaintext"),
        HEX.formatHex(concat(new byte[] {0x15, 0x00, 0x07}, ascii("see you"))));
  }

  @Test
  void discoveryValuesEqualAFromScratchJdkComputation() throws Exception {
    byte[] nonce = filled(0x05);
    byte[] request = new byte[160];
    System.arraycopy(concat(ascii("LANCHAT?"), new byte[] {0x01}, nonce), 0, request, 0, 41);
    assertEquals(get("discovery_request"), HEX.formatHex(request));
    assertEquals(get("discovery_nonce"), HEX.formatHex(nonce));

    byte[] name = ascii(DISCOVERY_NAME);
    byte[] port = {(byte) (DISCOVERY_PORT >>> 8), (byte) DISCOVERY_PORT};
    byte[] nameLength = {0x00, (byte) name.length};
    byte[] signed = concat(ascii("lanchat v1 discovery"), nonce, port, nameLength, name);
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(KeyFactory.getInstance("Ed25519")
        .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, filled(0x04))));
    signer.update(signed);
    byte[] sig = signer.sign();
    assertEquals(get("discovery_sig"), HEX.formatHex(sig));
    byte[] reply = concat(ascii("LANCHAT!"), new byte[] {0x01}, port, bytes("Si"), sig,
        nameLength, name);
    assertEquals(get("discovery_reply"), HEX.formatHex(reply));
  }

  @Test
  void fingerprintAndIdentityFileInTheDocumentAreTheRecomputedOnes() throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes("Si"));
    String fingerprint =
        "SHA256:" + java.util.Base64.getEncoder().withoutPadding().encodeToString(digest);
    assertEquals(fingerprint, FINGERPRINT[0]);
    // PKCS#8 v1 (RFC 8410 §7): SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 },
    // OCTET STRING { OCTET STRING seed } }
    byte[] der = concat(HEX.parseHex("302e020100300506032b657004220420"), filled(0x04));
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getEncoder().encodeToString(der) + "\n-----END PRIVATE KEY-----\n";
    assertEquals(pem, PEM[0]);
    String text = Files.readString(document(), StandardCharsets.UTF_8);
    assertTrue(text.contains("fingerprint(Si) = " + fingerprint + "\n"),
        "docs/protocol.md should give fingerprint(Si) = " + fingerprint);
    assertTrue(text.contains("```text\n" + pem + "```"),
        "docs/protocol.md should show the identity file:\n" + pem);
  }

  private static PublicKey edPublicKey(byte[] raw) throws Exception {
    boolean xOdd = (raw[31] & 0x80) != 0;
    BigInteger y = littleEndian(raw);
    return KeyFactory.getInstance("Ed25519").generatePublic(
        new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, y)));
  }

  private static byte[] concat(byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p);
    }
    return out.toByteArray();
  }

  // --- the document ---

  private static final Pattern VALUE = Pattern.compile("^([A-Za-z_0-9]+) += +([0-9a-f]+)$");
  private static final Pattern MORE = Pattern.compile("^ +([0-9a-f]+)$");

  /** The vectors as the document prints them: {@code name = hex}, 64 hex digits a line. */
  static String expectedBlock() {
    StringBuilder out = new StringBuilder();
    int width = VECTORS.keySet().stream().mapToInt(String::length).max().orElse(0);
    for (Map.Entry<String, byte[]> e : VECTORS.entrySet()) {
      String hex = HEX.formatHex(e.getValue());
      String pad = " ".repeat(width - e.getKey().length());
      out.append(e.getKey()).append(pad).append(" = ");
      for (int at = 0; at < hex.length(); at += HEX_PER_LINE) {
        if (at > 0) {
          out.append('\n').append(" ".repeat(width + 3));
        }
        out.append(hex, at, Math.min(hex.length(), at + HEX_PER_LINE));
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** Every {@code name = hex} value inside the document's fenced code blocks. */
  private static Map<String, String> valuesInDocument(String text) {
    Map<String, String> found = new LinkedHashMap<>();
    boolean inBlock = false;
    String current = null;
    for (String line : text.split("\n", -1)) {
      line = line.stripTrailing();
      if (line.startsWith("```")) {
        inBlock = !inBlock;
        current = null;
        continue;
      }
      if (!inBlock) {
        continue;
      }
      Matcher value = VALUE.matcher(line);
      Matcher more = MORE.matcher(line);
      if (value.matches()) {
        current = value.group(1);
        if (found.put(current, value.group(2)) != null) {
          fail("docs/protocol.md gives " + current + " twice");
        }
      } else if (current != null && more.matches()) {
        found.merge(current, more.group(1), String::concat);
      } else {
        current = null;
      }
    }
    return found;
  }

  private static Path document() {
    Path doc = Path.of(System.getProperty("basedir", ".")).resolve("../docs/protocol.md").normalize();
    if (!Files.isRegularFile(doc)) {
      fail("docs/protocol.md is missing (looked at " + doc.toAbsolutePath()
          + "); it carries the worked test vectors this test checks");
    }
    return doc;
  }

  @Test
  void everyHexValueInTheProtocolDocumentIsTheRecomputedOne() throws Exception {
    String text = Files.readString(document(), StandardCharsets.UTF_8);
    Map<String, String> inDoc = valuesInDocument(text);
    String hint = "\nThe values, as the document should print them:\n" + expectedBlock();
    assertEquals(List.copyOf(VECTORS.keySet()), List.copyOf(inDoc.keySet()),
        "docs/protocol.md lists other values than the test computes" + hint);
    for (String name : VECTORS.keySet()) {
      assertEquals(get(name), inDoc.get(name), "docs/protocol.md: " + name + hint);
    }
  }

  @Test
  void frameHeadersNamedInTheDocumentMatchThePayloadSizes() throws Exception {
    String text = Files.readString(document(), StandardCharsets.UTF_8);
    for (String name : List.of("server_hello", "client_hello", "server_auth_record",
        "client_auth_record", "join_record", "welcome_record")) {
      String header = String.format("%08x", VECTORS.get(name).length);
      assertTrue(text.contains("(`" + name + "`, frame header `" + header + "`"),
          "docs/protocol.md should give " + name + " the frame header " + header);
    }
  }

  @Test
  void documentBlockIsFormattedAsTheTestPrintsIt() throws Exception {
    String text = Files.readString(document(), StandardCharsets.UTF_8);
    assertTrue(text.contains(expectedBlock()),
        "the vectors block of docs/protocol.md should read exactly:\n" + expectedBlock());
  }
}
