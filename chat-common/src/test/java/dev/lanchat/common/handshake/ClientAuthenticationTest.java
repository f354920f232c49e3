package dev.lanchat.common.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Client authentication (protocol §2.5): what the server's check accepts and what it refuses. */
class ClientAuthenticationTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Identity ALICE = Identity.fromSeed(filled(0x0A));
  private static final Identity MALLORY = Identity.fromSeed(filled(0x0B));
  private static final ByteString TH = ByteString.copyOf(filled(0x5A));
  private static final ByteString OTHER_TH = ByteString.copyOf(filled(0x5B));

  private static byte[] filled(int value) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) value);
    return out;
  }

  private static ClientAuthOutcome.Failed failed(ClientAuthOutcome outcome, String reason) {
    ClientAuthOutcome.Failed f = assertInstanceOf(ClientAuthOutcome.Failed.class, outcome);
    assertEquals(reason, f.reason());
    assertEquals(ErrorCode.AUTH_FAILED, f.error().errorCode().orElseThrow());
    assertEquals(reason, f.error().text());
    return f;
  }

  @Test
  void proofForThisSessionAuthenticatesItsKey() {
    ClientMessage.ClientAuth proof = ClientAuthentication.prove(ALICE, TH);
    assertEquals(ByteString.copyOf(ALICE.publicKey()), proof.key());
    assertEquals(new ClientAuthOutcome.Authenticated(proof.key()),
        ClientAuthentication.check(proof, TH));
  }

  @Test
  void proofOverAnotherSessionsTranscriptFails() {
    ClientMessage.ClientAuth replayed = ClientAuthentication.prove(ALICE, OTHER_TH);
    failed(ClientAuthentication.check(replayed, TH), ClientAuthOutcome.Failed.BAD_SIGNATURE);
  }

  @Test
  void proofForTheWrongKeyFails() {
    // Mallory claims Alice's key but can only sign with her own
    ClientMessage.ClientAuth mine = ClientAuthentication.prove(MALLORY, TH);
    ClientMessage.ClientAuth claimed =
        new ClientMessage.ClientAuth(ByteString.copyOf(ALICE.publicKey()), mine.sig());
    failed(ClientAuthentication.check(claimed, TH), ClientAuthOutcome.Failed.BAD_SIGNATURE);
  }

  @Test
  void everyFlippedBitOfTheProofFails() {
    ClientMessage.ClientAuth proof = ClientAuthentication.prove(ALICE, TH);
    byte[] key = proof.key().toByteArray();
    byte[] sig = proof.sig().toByteArray();
    for (int bit = 0; bit < 8 * (key.length + sig.length); bit++) {
      byte[] k = key.clone();
      byte[] s = sig.clone();
      if (bit < 8 * k.length) {
        k[bit / 8] ^= (byte) (1 << (bit % 8));
      } else {
        s[bit / 8 - k.length] ^= (byte) (1 << (bit % 8));
      }
      assertInstanceOf(ClientAuthOutcome.Failed.class,
          ClientAuthentication.check(new ClientMessage.ClientAuth(k, s), TH), "bit " + bit);
    }
  }

  @Test
  void firstMessageThatIsNotClientAuthIsRequiredToBe() {
    ClientAuthOutcome outcome = ClientAuthentication.check(new ClientMessage.Join("alice"), TH);
    assertEquals(new ClientAuthOutcome.Required(ClientMessage.Join.TYPE), outcome);
    assertEquals(ErrorCode.AUTH_REQUIRED,
        ((ClientAuthOutcome.Refused) outcome).error().errorCode().orElseThrow());
  }

  @Test
  void malformedOrSmallOrderKeyIsAMalformedClientKey() {
    String[] bad = {
        // the neutral point (0, 1): order 1
        "0100000000000000000000000000000000000000000000000000000000000000",
        // (0, -1): order 2
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        // an order-8 point (RFC 8032 / libsodium's blocklist)
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        // y = p + 1, not canonical
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        // y = 2 has no x on the curve
        "0200000000000000000000000000000000000000000000000000000000000000",
    };
    byte[] sig = ClientAuthentication.prove(ALICE, TH).sig().toByteArray();
    for (String key : bad) {
      assertFalse(Ed25519.isValidPublicKey(HEX.parseHex(key)), key);
      failed(ClientAuthentication.check(new ClientMessage.ClientAuth(HEX.parseHex(key), sig), TH),
          ClientAuthOutcome.Failed.MALFORMED_KEY);
    }
  }
}
