package dev.lanchat.common.handshake;

import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The key schedule of protocol §2.3: from the X25519 shared secret, the salt and both hello
 * payloads to the transcript hash {@code th} and the two directional keys. Call {@link #wipe()}
 * once the cipher states exist.
 */
public final class KeySchedule {
  static final byte[] LABEL_C2S = "lanchat v2 c2s".getBytes(StandardCharsets.US_ASCII);
  static final byte[] LABEL_S2C = "lanchat v2 s2c".getBytes(StandardCharsets.US_ASCII);
  static final byte[] LABEL_SERVER_AUTH =
      "lanchat v2 server auth".getBytes(StandardCharsets.US_ASCII);
  static final byte[] LABEL_CLIENT_AUTH =
      "lanchat v2 client auth".getBytes(StandardCharsets.US_ASCII);

  private final byte[] th;
  private final byte[] kC2s;
  private final byte[] kS2c;

  private KeySchedule(byte[] th, byte[] kC2s, byte[] kS2c) {
    this.th = th;
    this.kC2s = kC2s;
    this.kS2c = kS2c;
  }

  /**
   * Derives {@code th}, {@code k_c2s} and {@code k_s2c}. The caller wipes {@code shared}.
   *
   * @param shared X25519(own ephemeral private, peer ephemeral public), already checked non-zero
   * @param serverHello the ServerHello payload as sent
   * @param clientHello the ClientHello payload as sent
   */
  public static KeySchedule derive(byte[] shared, byte[] salt, byte[] serverHello, byte[] clientHello) {
    // th = SHA-256(ServerHello payload ‖ ClientHello payload)
    byte[] th = transcriptHash(serverHello, clientHello);
    // prk = HKDF-Extract(salt, shared), RFC 5869 §2.2
    byte[] prk = Hkdf.extract(salt, shared);
    try {
      // k_c2s = HKDF-Expand(prk, "lanchat v2 c2s" ‖ th, 32), RFC 5869 §2.3
      byte[] kC2s = Hkdf.expand(prk, Bytes.concat(LABEL_C2S, th), 32);
      // k_s2c = HKDF-Expand(prk, "lanchat v2 s2c" ‖ th, 32)
      byte[] kS2c = Hkdf.expand(prk, Bytes.concat(LABEL_S2C, th), 32);
      return new KeySchedule(th, kC2s, kS2c);
    } finally {
      Bytes.wipe(prk);
    }
  }

  /** {@code th = SHA-256(ServerHello payload ‖ ClientHello payload)}. */
  public static byte[] transcriptHash(byte[] serverHello, byte[] clientHello) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(serverHello);
      sha256.update(clientHello);
      return sha256.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  /** The message SERVER_AUTH signs: {@code "lanchat v2 server auth" ‖ th}. */
  public static byte[] serverAuthMessage(byte[] th) {
    return Bytes.concat(LABEL_SERVER_AUTH, th);
  }

  /** The message CLIENT_AUTH signs: {@code "lanchat v2 client auth" ‖ th} (protocol §2.5). */
  public static byte[] clientAuthMessage(byte[] th) {
    return Bytes.concat(LABEL_CLIENT_AUTH, th);
  }

  /** The transcript hash (a copy). */
  public byte[] th() {
    return th.clone();
  }

  /** The client-to-server key (a copy). */
  public byte[] kC2s() {
    return kC2s.clone();
  }

  /** The server-to-client key (a copy). */
  public byte[] kS2c() {
    return kS2c.clone();
  }

  /** Overwrites both keys. */
  public void wipe() {
    Bytes.wipe(kC2s);
    Bytes.wipe(kS2c);
  }
}
