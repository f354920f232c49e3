package dev.lanchat.common.pake;

import dev.lanchat.common.ProtocolException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKEParticipant;

/**
 * The client's side of one join-code exchange (EC-J-PAKE over P-256, then a key confirmation
 * bound to the session). It goes:
 *
 * <ol>
 *   <li>{@link #start}, and send {@link #round1()};
 *   <li>on the server's round 1 and round 2, {@link #reply}: send its round 2 and confirmation;
 *   <li>on the server's confirmation, {@link #finish}: {@link Matched} or {@link Mismatched}.
 * </ol>
 *
 * <p>The outcome says only whether the two sides held the same code in the same session; a
 * wrong code and a man in the middle look the same, and the client stops at the first failure.
 * One exchange per instance, used by one thread; a step out of order is an {@link
 * IllegalStateException}.
 */
public final class JoinCodeClient {
  /** What the exchange established. */
  public sealed interface Outcome {}

  /** The server proved it holds the same code, in this session, for the key Si it showed. */
  public record Matched() implements Outcome {}

  /** The server's confirmation is wrong: another code, or someone in between. */
  public record Mismatched() implements Outcome {}

  /**
   * What the client sends after the server's first two rounds: its round 2, then its
   * confirmation.
   */
  public record Reply(CodeRound2 round2, CodeConfirm confirm) {}

  private final ECJPAKEParticipant participant;
  private final SessionBinding session;
  private final ClientCodeRound1 round1;
  private Confirmation confirmation;
  private boolean finished;

  private JoinCodeClient(ECJPAKEParticipant participant, SessionBinding session,
      ClientCodeRound1 round1) {
    this.participant = participant;
    this.session = session;
    this.round1 = round1;
  }

  /** Starts an exchange for {@code code} in {@code session}, with secrets from {@code random}. */
  public static JoinCodeClient start(JoinCode code, SessionBinding session, SecureRandom random) {
    Objects.requireNonNull(session, "session");
    ECJPAKEParticipant participant =
        Participants.create(Participants.CLIENT_ID, code, random);
    ClientCodeRound1 round1 = new ClientCodeRound1(code.number(),
        CodeRound1.of(participant.createRound1PayloadToSend()));
    return new JoinCodeClient(participant, session, round1);
  }

  /** The client's round 1, carrying the invite number. */
  public ClientCodeRound1 round1() {
    return round1;
  }

  /**
   * Takes the server's round 1 and round 2 and makes the client's round 2 and confirmation.
   *
   * @throws ProtocolException if a proof of the server's does not verify
   */
  public Reply reply(CodeRound1 server1, CodeRound2 server2) throws ProtocolException {
    if (confirmation != null) {
      throw new IllegalStateException("the client has replied already");
    }
    try {
      participant.validateRound1PayloadReceived(server1.payload(Participants.SERVER_ID));
    } catch (CryptoException e) {
      throw Participants.refused("round 1", e);
    }
    CodeRound2 round2 = CodeRound2.of(participant.createRound2PayloadToSend());
    try {
      participant.validateRound2PayloadReceived(server2.payload(Participants.SERVER_ID));
    } catch (CryptoException e) {
      throw Participants.refused("round 2", e);
    }
    BigInteger keyingMaterial = participant.calculateKeyingMaterial();
    confirmation = Confirmation.derive(keyingMaterial, session, round1.encode(),
        server1.encode(), round2.encode(), server2.encode());
    return new Reply(round2, confirmation.client());
  }

  /** Checks the server's confirmation, in constant time; the exchange is then over. */
  public Outcome finish(CodeConfirm serverConfirm) {
    if (confirmation == null || finished) {
      throw new IllegalStateException("finish comes once, after reply");
    }
    finished = true;
    boolean matched = confirmation.serverMatches(serverConfirm);
    confirmation.wipe();
    return matched ? new Matched() : new Mismatched();
  }
}
