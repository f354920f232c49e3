package dev.lanchat.common.pake;

import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.Hkdf;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.BigIntegers;

/**
 * The key confirmation of a join-code exchange, both sides' MACs from one derived key:
 *
 * <pre>
 *   pt = SHA-256(client round 1 ‖ server round 1 ‖ client round 2 ‖ server round 2)
 *   k  = HKDF-SHA256(salt = th, ikm = K, info = "lanchat v2 join code" ‖ Si ‖ Ci ‖ pt)
 *   client confirm = HMAC-SHA256(k, "lanchat v2 client confirm" ‖ th ‖ Si ‖ Ci)
 *   server confirm = HMAC-SHA256(k, "lanchat v2 server confirm" ‖ th ‖ Si ‖ Ci)
 * </pre>
 *
 * where K is the EC-J-PAKE keying material (the x coordinate of the shared point, 32 bytes
 * big-endian). K matches only when both used the same code; th, Si and Ci are each side's own
 * view of the session, so a man in the middle who relays the exchange between two sessions,
 * or shows the client another server key, leaves the two sides with different MACs.
 */
final class Confirmation {
  static final byte[] KEY_LABEL = ascii("lanchat v2 join code");
  static final byte[] CLIENT_LABEL = ascii("lanchat v2 client confirm");
  static final byte[] SERVER_LABEL = ascii("lanchat v2 server confirm");

  /** Bytes of K: the x coordinate of a P-256 point. */
  static final int KEYING_MATERIAL_SIZE = 32;

  private final byte[] client;
  private final byte[] server;

  private Confirmation(byte[] client, byte[] server) {
    this.client = client;
    this.server = server;
  }

  /**
   * Both MACs for keying material {@code k} in {@code session}, over the four round bodies in
   * the order they were sent.
   */
  static Confirmation derive(BigInteger keyingMaterial, SessionBinding session,
      byte[]... rounds) {
    byte[] ikm = BigIntegers.asUnsignedByteArray(KEYING_MATERIAL_SIZE, keyingMaterial);
    byte[] prk = null;
    byte[] key = null;
    try {
      byte[] th = session.th();
      byte[] si = session.si();
      byte[] ci = session.ci();
      prk = Hkdf.extract(th, ikm);                                          // RFC 5869 §2.2
      key = Hkdf.expand(prk, Bytes.concat(KEY_LABEL, si, ci, sha256(rounds)), 32); // §2.3
      return new Confirmation(mac(key, Bytes.concat(CLIENT_LABEL, th, si, ci)),
          mac(key, Bytes.concat(SERVER_LABEL, th, si, ci)));
    } finally {
      Bytes.wipe(ikm);
      Bytes.wipe(prk);
      Bytes.wipe(key);
    }
  }

  CodeConfirm client() {
    return new CodeConfirm(client);
  }

  CodeConfirm server() {
    return new CodeConfirm(server);
  }

  boolean clientMatches(CodeConfirm received) {
    return received.matches(client);
  }

  boolean serverMatches(CodeConfirm received) {
    return received.matches(server);
  }

  /** Forgets both MACs once the exchange is over. */
  void wipe() {
    Bytes.wipe(client);
    Bytes.wipe(server);
  }

  private static byte[] mac(byte[] key, byte[] data) {
    HMac hmac = new HMac(new SHA256Digest());
    hmac.init(new KeyParameter(key));
    hmac.update(data, 0, data.length);
    byte[] out = new byte[hmac.getMacSize()];
    hmac.doFinal(out, 0);
    return out;
  }

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  private static byte[] ascii(String label) {
    return label.getBytes(StandardCharsets.US_ASCII);
  }
}
