package dev.lanchat.common.pake;

import dev.lanchat.common.ProtocolException;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound1Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECSchnorrZKP;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Round 1 of the exchange as the server sends it (the client's adds the invite number: {@link
 * ClientCodeRound1}): {@code X1: point ‖ X2: point ‖ proof(x1) ‖ proof(x2)}, two fresh public
 * keys and a Schnorr proof that the sender knows each private key.
 *
 * <p>Immutable. {@link #parse} checks the layout and that every point is on P-256; the proofs
 * are checked by the exchange, which knows who sent them.
 */
public final class CodeRound1 {
  private final ECPoint gx1;
  private final ECPoint gx2;
  private final ECSchnorrZKP proof1;
  private final ECSchnorrZKP proof2;

  private CodeRound1(ECPoint gx1, ECPoint gx2, ECSchnorrZKP proof1, ECSchnorrZKP proof2) {
    this.gx1 = gx1;
    this.gx2 = gx2;
    this.proof1 = proof1;
    this.proof2 = proof2;
  }

  static CodeRound1 of(ECJPAKERound1Payload payload) {
    return new CodeRound1(payload.getGx1(), payload.getGx2(), payload.getKnowledgeProofForX1(),
        payload.getKnowledgeProofForX2());
  }

  /** BouncyCastle's payload, as sent by {@code participantId}. */
  ECJPAKERound1Payload payload(String participantId) {
    return new ECJPAKERound1Payload(participantId, gx1, gx2, proof1, proof2);
  }

  /**
   * Parses the body of a server's round 1 (the message's bytes after its type).
   *
   * @throws ProtocolException if it is not exactly one well-formed round 1
   */
  public static CodeRound1 parse(byte[] body) throws ProtocolException {
    PakeWire.Reader r = new PakeWire.Reader(body, "join code round 1");
    CodeRound1 round = read(r);
    r.expectEnd();
    return round;
  }

  static CodeRound1 read(PakeWire.Reader r) throws ProtocolException {
    ECPoint x1 = r.point("X1");
    ECPoint x2 = r.point("X2");
    return new CodeRound1(x1, x2, r.proof("proof of x1"), r.proof("proof of x2"));
  }

  /** The body: {@code X1 ‖ X2 ‖ V1 ‖ r1 ‖ V2 ‖ r2}. */
  public byte[] encode() {
    return write(new PakeWire.Writer()).toByteArray();
  }

  PakeWire.Writer write(PakeWire.Writer w) {
    return w.point(gx1).point(gx2).proof(proof1).proof(proof2);
  }

  /** Equal when the bodies are byte for byte the same (each value has one encoding). */
  @Override
  public boolean equals(Object o) {
    return o instanceof CodeRound1 other && java.util.Arrays.equals(encode(), other.encode());
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(encode());
  }
}
