package dev.lanchat.common.pake;

import dev.lanchat.common.ProtocolException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKEParticipant;

/**
 * The server's side of one join-code exchange. It goes:
 *
 * <ol>
 *   <li>on the client's round 1, find the invite it names and {@link #start} with that code,
 *       then send {@link #round1()} and {@link #round2()} together;
 *   <li>on the client's round 2 and confirmation, {@link #finish}: {@link Matched} (send its
 *       {@link Matched#reply}) or {@link Mismatched} (send a refusal, count a failure).
 * </ol>
 *
 * <p>When the client names no live invite, run the exchange all the same with a fresh random
 * code for that number ({@code JoinCode.random}): the client then fails at the confirmation
 * exactly as with a wrong code, and learns nothing about which invites exist. One exchange per
 * instance, used by one thread.
 */
public final class JoinCodeServer {
  /** What the client's confirmation showed. */
  public sealed interface Outcome {}

  /**
   * The client holds the same code, in this session, and saw this server's key.
   *
   * @param reply the server's confirmation, to send to the client
   */
  public record Matched(CodeConfirm reply) implements Outcome {}

  /** The client's confirmation is wrong: another code, or someone in between. */
  public record Mismatched() implements Outcome {}

  private final ECJPAKEParticipant participant;
  private final SessionBinding session;
  private final ClientCodeRound1 client1;
  private final CodeRound1 round1;
  private final CodeRound2 round2;
  private boolean finished;

  private JoinCodeServer(ECJPAKEParticipant participant, SessionBinding session,
      ClientCodeRound1 client1, CodeRound1 round1, CodeRound2 round2) {
    this.participant = participant;
    this.session = session;
    this.client1 = client1;
    this.round1 = round1;
    this.round2 = round2;
  }

  /**
   * Answers the client's round 1 with {@code code}, the code of the invite it names.
   *
   * @throws ProtocolException if a proof of the client's does not verify
   * @throws IllegalArgumentException if {@code code} is for another invite number
   */
  public static JoinCodeServer start(JoinCode code, SessionBinding session, SecureRandom random,
      ClientCodeRound1 client1) throws ProtocolException {
    Objects.requireNonNull(session, "session");
    if (code.number() != client1.invite()) {
      throw new IllegalArgumentException("the code is for invite " + code.number()
          + ", the client named " + client1.invite());
    }
    ECJPAKEParticipant participant =
        Participants.create(Participants.SERVER_ID, code, random);
    CodeRound1 round1 = CodeRound1.of(participant.createRound1PayloadToSend());
    try {
      participant.validateRound1PayloadReceived(
          client1.round().payload(Participants.CLIENT_ID));
    } catch (CryptoException e) {
      throw Participants.refused("round 1", e);
    }
    CodeRound2 round2 = CodeRound2.of(participant.createRound2PayloadToSend());
    return new JoinCodeServer(participant, session, client1, round1, round2);
  }

  /** The server's round 1. */
  public CodeRound1 round1() {
    return round1;
  }

  /** The server's round 2, sent right after its round 1. */
  public CodeRound2 round2() {
    return round2;
  }

  /**
   * Checks the client's round 2 and confirmation; the exchange is then over.
   *
   * @throws ProtocolException if the client's round 2 proof does not verify
   */
  public Outcome finish(CodeRound2 client2, CodeConfirm clientConfirm)
      throws ProtocolException {
    if (finished) {
      throw new IllegalStateException("finish comes once");
    }
    finished = true;
    try {
      participant.validateRound2PayloadReceived(client2.payload(Participants.CLIENT_ID));
    } catch (CryptoException e) {
      throw Participants.refused("round 2", e);
    }
    BigInteger keyingMaterial = participant.calculateKeyingMaterial();
    Confirmation confirmation = Confirmation.derive(keyingMaterial, session, client1.encode(),
        round1.encode(), client2.encode(), round2.encode());
    try {
      return confirmation.clientMatches(clientConfirm)
          ? new Matched(confirmation.server())
          : new Mismatched();
    } finally {
      confirmation.wipe();
    }
  }
}
