package dev.lanchat.common.pake;

import dev.lanchat.common.ProtocolException;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound2Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECSchnorrZKP;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Round 2 of the exchange, the same layout both ways: {@code A: point ‖ proof(x2·s)}, the
 * sender's key mixed with the code, and a Schnorr proof over the round's own generator.
 *
 * <p>Immutable.
 */
public final class CodeRound2 {
  private final ECPoint a;
  private final ECSchnorrZKP proof;

  private CodeRound2(ECPoint a, ECSchnorrZKP proof) {
    this.a = a;
    this.proof = proof;
  }

  static CodeRound2 of(ECJPAKERound2Payload payload) {
    return new CodeRound2(payload.getA(), payload.getKnowledgeProofForX2s());
  }

  ECJPAKERound2Payload payload(String participantId) {
    return new ECJPAKERound2Payload(participantId, a, proof);
  }

  /**
   * Parses the body of a round 2.
   *
   * @throws ProtocolException if it is not exactly one well-formed round 2
   */
  public static CodeRound2 parse(byte[] body) throws ProtocolException {
    PakeWire.Reader r = new PakeWire.Reader(body, "join code round 2");
    ECPoint a = r.point("A");
    CodeRound2 round = new CodeRound2(a, r.proof("proof of x2·s"));
    r.expectEnd();
    return round;
  }

  /** The body: {@code A ‖ V ‖ r}. */
  public byte[] encode() {
    return new PakeWire.Writer().point(a).proof(proof).toByteArray();
  }

  /** Equal when the bodies are byte for byte the same (each value has one encoding). */
  @Override
  public boolean equals(Object o) {
    return o instanceof CodeRound2 other && java.util.Arrays.equals(encode(), other.encode());
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(encode());
  }
}
