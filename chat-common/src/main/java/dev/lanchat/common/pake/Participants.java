package dev.lanchat.common.pake;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.crypto.Bytes;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKEParticipant;
import org.bouncycastle.crypto.digests.SHA256Digest;

/** Builds the BouncyCastle participants of both roles, with LanChat's fixed parameters. */
final class Participants {
  /** The client's EC-J-PAKE participant id (it enters every Schnorr proof the client makes). */
  static final String CLIENT_ID = "lanchat-client";
  /** The server's EC-J-PAKE participant id. */
  static final String SERVER_ID = "lanchat-server";

  private Participants() {}

  /** A participant with id {@code id} holding {@code code} as its password. */
  static ECJPAKEParticipant create(String id, JoinCode code, SecureRandom random) {
    byte[] ascii = code.password();
    char[] password = new char[ascii.length];
    for (int i = 0; i < ascii.length; i++) {
      password[i] = (char) ascii[i];
    }
    try {
      // BouncyCastle copies the password and wipes its copy once the key is computed
      return new ECJPAKEParticipant(id, password, PakeWire.CURVE, new SHA256Digest(), random);
    } finally {
      Bytes.wipe(ascii);
      Arrays.fill(password, '\0');
    }
  }

  /** A peer's round that BouncyCastle refused: a proof that does not verify. */
  static ProtocolException refused(String round, Exception cause) {
    return new ProtocolException(Reason.MALFORMED_MESSAGE,
        "join code " + round + ": a zero-knowledge proof does not verify", cause);
  }
}
