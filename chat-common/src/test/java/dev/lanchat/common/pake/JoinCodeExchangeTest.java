package dev.lanchat.common.pake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.ProtocolException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The join-code exchange between a client and a server, and the ways it must fail. */
class JoinCodeExchangeTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final JoinCode CODE = JoinCode.parse("7-crater-lantern");

  private static byte[] filled(int value) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) value);
    return out;
  }

  private static SessionBinding session(int th, int si) {
    return new SessionBinding(filled(th), filled(si), filled(0x0c));
  }

  private static Exchanges.Result run(JoinCode clientCode, SessionBinding clientView,
      JoinCode serverCode, SessionBinding serverView) throws ProtocolException {
    return Exchanges.run(JoinCodeClient.start(clientCode, clientView, RANDOM),
        c1 -> JoinCodeServer.start(serverCode, serverView, RANDOM, c1));
  }

  @Test
  void theRightCodeMatchesOnBothSides() throws Exception {
    Exchanges.Result result = run(CODE, session(1, 2), JoinCode.parse("7 Crater LANTERN"),
        session(1, 2));
    assertInstanceOf(JoinCodeServer.Matched.class, result.server());
    assertInstanceOf(JoinCodeClient.Matched.class, result.client());
  }

  @Test
  void aWrongCodeFailsOnBothSides() throws Exception {
    Exchanges.Result result = run(JoinCode.parse("7-crater-lemon"), session(1, 2), CODE,
        session(1, 2));
    assertInstanceOf(JoinCodeServer.Mismatched.class, result.server());
    assertInstanceOf(JoinCodeClient.Mismatched.class, result.client());
  }

  @Test
  void aDecoyCodeForAnUnknownInviteFailsExactlyLikeAWrongCode() throws Exception {
    Exchanges.Result result = Exchanges.run(JoinCodeClient.start(CODE, session(1, 2), RANDOM),
        c1 -> JoinCodeServer.start(JoinCode.random(c1.invite(), RANDOM), session(1, 2), RANDOM,
            c1));
    assertInstanceOf(JoinCodeServer.Mismatched.class, result.server());
    assertInstanceOf(JoinCodeClient.Mismatched.class, result.client());
  }

  /**
   * A man in the middle shows the client its own server key (Si 0x66) and relays the exchange,
   * untouched, to the real server (Si 0x02), which holds the right code: the two sides' views
   * of Si differ, so the server refuses the client's confirmation, and the client, which never
   * gets a confirmation made for the key it saw, pins nothing.
   */
  @Test
  void aManInTheMiddleWithItsOwnServerKeyIsDetectedEvenWhenItRelaysTheRightCode()
      throws Exception {
    JoinCodeClient client = JoinCodeClient.start(CODE, session(1, 0x66), RANDOM);
    JoinCodeServer server = JoinCodeServer.start(CODE, session(1, 2), RANDOM, client.round1());
    JoinCodeClient.Reply reply = client.reply(server.round1(), server.round2());
    assertInstanceOf(JoinCodeServer.Mismatched.class,
        server.finish(reply.round2(), reply.confirm()));

    // and had the real server confirmed for its own key, that confirmation is refused too
    JoinCodeClient fooled = JoinCodeClient.start(CODE, session(1, 0x66), RANDOM);
    JoinCodeClient honest = JoinCodeClient.start(CODE, session(1, 2), RANDOM);
    JoinCodeServer real = JoinCodeServer.start(CODE, session(1, 2), RANDOM, honest.round1());
    JoinCodeClient.Reply honestReply = honest.reply(real.round1(), real.round2());
    JoinCodeServer.Matched confirmed = assertInstanceOf(JoinCodeServer.Matched.class,
        real.finish(honestReply.round2(), honestReply.confirm()));
    JoinCodeServer mitm = JoinCodeServer.start(CODE, session(1, 2), RANDOM, fooled.round1());
    fooled.reply(mitm.round1(), mitm.round2());
    assertInstanceOf(JoinCodeClient.Mismatched.class, fooled.finish(confirmed.reply()));
  }

  @Test
  void aManInTheMiddleThatRunsTheExchangeWithAGuessedCodeIsDetectedByTheClient()
      throws Exception {
    Exchanges.Result result = run(CODE, session(1, 0x66), JoinCode.parse("7-crater-lemon"),
        session(1, 0x66));
    assertInstanceOf(JoinCodeClient.Mismatched.class, result.client());
  }

  @Test
  void aConfirmationFromAnotherSessionIsRefused() throws Exception {
    JoinCodeClient client = JoinCodeClient.start(CODE, session(1, 2), RANDOM);
    JoinCodeServer server = JoinCodeServer.start(CODE, session(9, 2), RANDOM, client.round1());
    JoinCodeClient.Reply reply = client.reply(server.round1(), server.round2());
    assertInstanceOf(JoinCodeServer.Mismatched.class,
        server.finish(reply.round2(), reply.confirm()));
  }

  /** Change any one thing a side saw, and both confirmations change. */
  @Test
  void theConfirmationCoversThSiCiAndEveryRound() {
    java.math.BigInteger k = java.math.BigInteger.valueOf(0x1234_5678L).shiftLeft(200);
    byte[][] rounds = {filled(0x31), filled(0x32), filled(0x33), filled(0x34)};
    SessionBinding seen = new SessionBinding(filled(1), filled(2), filled(3));
    Confirmation base = Confirmation.derive(k, seen, rounds);
    List<Confirmation> changed = new java.util.ArrayList<>(List.of(
        Confirmation.derive(k.add(java.math.BigInteger.ONE), seen, rounds),
        Confirmation.derive(k, new SessionBinding(filled(9), filled(2), filled(3)), rounds),
        Confirmation.derive(k, new SessionBinding(filled(1), filled(9), filled(3)), rounds),
        Confirmation.derive(k, new SessionBinding(filled(1), filled(2), filled(9)), rounds)));
    for (int i = 0; i < rounds.length; i++) {
      byte[][] other = rounds.clone();
      other[i] = filled(0x99);
      changed.add(Confirmation.derive(k, seen, other));
    }
    assertTrue(base.clientMatches(base.client()) && base.serverMatches(base.server()));
    assertFalse(base.clientMatches(base.server()), "the two directions differ");
    for (Confirmation c : changed) {
      assertFalse(base.clientMatches(c.client()));
      assertFalse(base.serverMatches(c.server()));
    }
  }

  @Test
  void everyRoundReencodesToExactlyTheBytesItWasParsedFrom() throws Exception {
    JoinCodeClient client = JoinCodeClient.start(CODE, session(1, 2), RANDOM);
    byte[] c1 = client.round1().encode();
    assertArrayEquals(c1, ClientCodeRound1.parse(c1).encode());
    assertEquals(7, ClientCodeRound1.parse(c1).invite());
    JoinCodeServer server = JoinCodeServer.start(CODE, session(1, 2), RANDOM,
        ClientCodeRound1.parse(c1));
    byte[] s1 = server.round1().encode();
    byte[] s2 = server.round2().encode();
    assertArrayEquals(s1, CodeRound1.parse(s1).encode());
    assertArrayEquals(s2, CodeRound2.parse(s2).encode());
    byte[] confirm = client.reply(server.round1(), server.round2()).confirm().encode();
    assertEquals(CodeConfirm.SIZE, confirm.length);
    assertArrayEquals(confirm, CodeConfirm.parse(confirm).encode());
  }

  @Test
  void everyTruncationAndAnyTrailingByteIsRefused() throws Exception {
    JoinCodeClient client = JoinCodeClient.start(CODE, session(1, 2), RANDOM);
    byte[] c1 = client.round1().encode();
    JoinCodeServer server = JoinCodeServer.start(CODE, session(1, 2), RANDOM,
        client.round1());
    byte[] s2 = server.round2().encode();
    for (int length = 0; length < c1.length; length++) {
      byte[] cut = Arrays.copyOf(c1, length);
      assertThrows(ProtocolException.class, () -> ClientCodeRound1.parse(cut), "" + length);
    }
    for (int length = 0; length < s2.length; length++) {
      byte[] cut = Arrays.copyOf(s2, length);
      assertThrows(ProtocolException.class, () -> CodeRound2.parse(cut), "" + length);
    }
    assertThrows(ProtocolException.class, () -> ClientCodeRound1.parse(
        Arrays.copyOf(c1, c1.length + 1)));
    assertThrows(ProtocolException.class, () -> CodeConfirm.parse(new byte[31]));
    assertThrows(ProtocolException.class, () -> CodeConfirm.parse(new byte[33]));
  }

  @Test
  void pointsOffTheCurveOrNotUncompressedAreRefused() throws Exception {
    byte[] s2 = JoinCodeServer.start(CODE, session(1, 2), RANDOM,
        JoinCodeClient.start(CODE, session(1, 2), RANDOM).round1()).round2().encode();
    // A is at bytes 2..66 (after its u16 length); y + 1 leaves the curve
    byte[] offCurve = s2.clone();
    offCurve[66] ^= 1;
    assertMalformed(offCurve, "not a point on P-256");
    byte[] compressed = s2.clone();
    compressed[2] = 0x02;
    assertMalformed(compressed, "uncompressed");
    byte[] shortPoint = s2.clone();
    shortPoint[1] = 64;
    assertMalformed(shortPoint, "65-byte");
    // x = p (the field prime) is outside the field even though y² = x³ + ax + b may hold
    byte[] outsideField = s2.clone();
    byte[] p = PakeWire.CURVE.getQ().toByteArray();
    System.arraycopy(p, p.length - 32, outsideField, 3, 32);
    assertMalformed(outsideField, "not a point on P-256");
  }

  @Test
  void scalarsMustBeCanonicalAndBelowTheGroupOrder() throws Exception {
    byte[] s2 = JoinCodeServer.start(CODE, session(1, 2), RANDOM,
        JoinCodeClient.start(CODE, session(1, 2), RANDOM).round1()).round2().encode();
    int rAt = 2 + 65 + 2 + 65; // A, then V, then r's u16 length
    byte[] n = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, PakeWire.CURVE.getN());
    byte[] atOrder = Arrays.copyOf(s2, rAt);
    atOrder = concat(atOrder, new byte[] {0, 32}, n);
    assertMalformed(atOrder, "below the group order");
    byte[] leadingZero = concat(Arrays.copyOf(s2, rAt), new byte[] {0, 2, 0, 5});
    assertMalformed(leadingZero, "leading zero");
    byte[] tooLong = concat(Arrays.copyOf(s2, rAt), new byte[] {0, 33}, new byte[33]);
    assertMalformed(tooLong, "1 to 32 bytes");
  }

  @Test
  void anInviteNumberAbove99IsRefused() throws Exception {
    byte[] c1 = JoinCodeClient.start(CODE, session(1, 2), RANDOM).round1().encode();
    c1[0] = 100;
    ProtocolException e = assertThrows(ProtocolException.class, () -> ClientCodeRound1.parse(c1));
    assertEquals(ProtocolException.Reason.MALFORMED_MESSAGE, e.reason());
  }

  /** Any flipped byte of the client's round 1 (past the invite number) is refused. */
  @Test
  void aTamperedRound1IsRefusedByTheServer() throws Exception {
    long seed = new SecureRandom().nextLong();
    System.out.println("aTamperedRound1IsRefusedByTheServer seed " + seed);
    Random random = new Random(seed);
    byte[] c1 = JoinCodeClient.start(CODE, session(1, 2), RANDOM).round1().encode();
    for (int i = 0; i < 24; i++) {
      byte[] tampered = c1.clone();
      int at = 1 + random.nextInt(c1.length - 1);
      tampered[at] ^= (byte) (1 + random.nextInt(255));
      assertThrows(ProtocolException.class, () -> JoinCodeServer.start(CODE, session(1, 2),
          RANDOM, ClientCodeRound1.parse(tampered)), "byte " + at + ", seed " + seed);
    }
  }

  @Test
  void aTamperedRound2ProofIsRefusedByTheClient() throws Exception {
    JoinCodeClient client = JoinCodeClient.start(CODE, session(1, 2), RANDOM);
    JoinCodeServer server = JoinCodeServer.start(CODE, session(1, 2), RANDOM, client.round1());
    byte[] s2 = server.round2().encode();
    s2[s2.length - 1] ^= 1; // the last byte of r
    CodeRound2 tampered = CodeRound2.parse(s2);
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> client.reply(server.round1(), tampered));
    assertEquals("join code round 2: a zero-knowledge proof does not verify", e.getMessage());
  }

  @Test
  void stepsOutOfOrderAreTheCallersMistake() throws Exception {
    JoinCodeClient client = JoinCodeClient.start(CODE, session(1, 2), RANDOM);
    assertThrows(IllegalStateException.class,
        () -> client.finish(CodeConfirm.parse(new byte[32])));
    JoinCodeServer server = JoinCodeServer.start(CODE, session(1, 2), RANDOM, client.round1());
    client.reply(server.round1(), server.round2());
    assertThrows(IllegalStateException.class, () -> client.reply(server.round1(),
        server.round2()));
    assertThrows(IllegalArgumentException.class, () -> JoinCodeServer.start(
        JoinCode.parse("8-crater-lantern"), session(1, 2), RANDOM, client.round1()));
  }

  private static void assertMalformed(byte[] round2, String why) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> CodeRound2.parse(round2));
    assertEquals(ProtocolException.Reason.MALFORMED_MESSAGE, e.reason());
    if (!e.getMessage().contains(why)) {
      throw new AssertionError("expected '" + why + "' in: " + e.getMessage());
    }
  }

  private static byte[] concat(byte[]... parts) {
    return dev.lanchat.common.crypto.Bytes.concat(parts);
  }
}
