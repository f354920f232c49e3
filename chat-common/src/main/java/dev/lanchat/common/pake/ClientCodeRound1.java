package dev.lanchat.common.pake;

import dev.lanchat.common.ProtocolException;

/**
 * The client's round 1: {@code invite: u8 ‖ round 1}. The invite number (0–99, the code's
 * leading number) is the only part of the code that travels, so the server can find the invite
 * without ever seeing its words.
 *
 * <p>Immutable.
 */
public final class ClientCodeRound1 {
  private final int invite;
  private final CodeRound1 round;

  ClientCodeRound1(int invite, CodeRound1 round) {
    this.invite = invite;
    this.round = round;
  }

  /** The invite number the client names. */
  public int invite() {
    return invite;
  }

  CodeRound1 round() {
    return round;
  }

  /**
   * Parses the body of the client's round 1.
   *
   * @throws ProtocolException if it is not exactly one well-formed round 1, or names an invite
   *     number above 99
   */
  public static ClientCodeRound1 parse(byte[] body) throws ProtocolException {
    PakeWire.Reader r = new PakeWire.Reader(body, "join code round 1");
    int invite = r.u8("invite number");
    if (invite > JoinCode.MAX_NUMBER) {
      throw r.malformed("the invite number must be 0 to 99, not " + invite);
    }
    CodeRound1 round = CodeRound1.read(r);
    r.expectEnd();
    return new ClientCodeRound1(invite, round);
  }

  /** The body: {@code invite ‖ X1 ‖ X2 ‖ V1 ‖ r1 ‖ V2 ‖ r2}. */
  public byte[] encode() {
    return round.write(new PakeWire.Writer().u8(invite)).toByteArray();
  }

  /** Equal when the bodies are byte for byte the same (each value has one encoding). */
  @Override
  public boolean equals(Object o) {
    return o instanceof ClientCodeRound1 other && java.util.Arrays.equals(encode(), other.encode());
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(encode());
  }
}
