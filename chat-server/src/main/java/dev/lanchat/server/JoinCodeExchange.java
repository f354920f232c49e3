package dev.lanchat.server;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.pake.JoinCode;
import dev.lanchat.common.pake.JoinCodeServer;
import dev.lanchat.common.pake.SessionBinding;
import dev.lanchat.server.store.Invite;
import dev.lanchat.server.store.Redemption;
import dev.lanchat.server.store.Store;
import dev.lanchat.server.store.StoreException;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of one join-code exchange (protocol, "Join codes"), from the client's round
 * 1 to the answer: the invite is looked up in the store (an unknown number runs with a random
 * code, so the client cannot tell), and the store counts the match or the failure.
 *
 * <p>One exchange per instance, on the connection's reader thread.
 */
final class JoinCodeExchange {
  /** How it ended. */
  sealed interface Result {
    /** The codes matched: the key is on the allowlist and the confirmation is queued. */
    record Matched() implements Result {}

    /** The codes did not match (or the invite is not live): send {@link #REFUSAL}, close. */
    record Refused() implements Result {}
  }

  /** The one answer to every failure, so a client learns nothing but "no". */
  static final ServerMessage.Error REFUSAL = new ServerMessage.Error(
      ErrorCode.JOIN_CODE_FAILED, "the join code did not match: it is wrong, expired, revoked or"
          + " used up, or someone is in between");

  private static final Logger log = LoggerFactory.getLogger(JoinCodeExchange.class);

  /** Where the exchange reads the client's messages from and sends its own. */
  interface Wire {
    /**
     * The client's next message.
     *
     * @throws IOException if the link fails
     */
    ClientMessage receive() throws IOException;

    /** Queues the server's messages, in order. */
    void send(List<ServerMessage> messages);
  }

  private final Store store;
  private final SecureRandom random;
  private final String peer;

  JoinCodeExchange(Store store, SecureRandom random, String peer) {
    this.store = store;
    this.random = random;
    this.peer = peer;
  }

  /**
   * Runs the exchange that {@code first} opened, for the client key {@code ci} in the session
   * {@code th} with the server key {@code si}.
   *
   * @throws ProtocolException if a proof does not verify or the client sends anything else
   * @throws IOException if the link fails
   * @throws StoreException if the store cannot be read or written
   */
  Result run(ClientMessage.JoinCode1 first, ByteString th, byte[] si, ByteString ci, Wire wire)
      throws IOException {
    int number = first.round().invite();
    Optional<Invite> invite = store.findLiveInvite(number);
    JoinCode code = invite.map(Invite::code).orElseGet(() -> JoinCode.random(number, random));
    SessionBinding session = new SessionBinding(th.toByteArray(), si, ci.toByteArray());
    JoinCodeServer server = JoinCodeServer.start(code, session, random, first.round());
    wire.send(List.of(new ServerMessage.JoinCode1(server.round1()),
        new ServerMessage.JoinCode2(server.round2())));
    ClientMessage.JoinCode2 round2 = expect(wire.receive(), ClientMessage.JoinCode2.class);
    ClientMessage.JoinCodeConfirm confirm =
        expect(wire.receive(), ClientMessage.JoinCodeConfirm.class);
    String fingerprint = Fingerprint.of(ci);
    return switch (server.finish(round2.round(), confirm.confirm())) {
      case JoinCodeServer.Matched m -> matched(invite, code, ci, fingerprint, m, wire);
      case JoinCodeServer.Mismatched x -> {
        Redemption counted = invite.isPresent() ? store.redeemFailure(code)
            : new Redemption.Unknown();
        log.info("join code for invite {} did not match from {} (key {}): {}", number, peer,
            fingerprint, counted);
        yield new Result.Refused();
      }
    };
  }

  /** A match counts only while the invite is live; the store takes the use in one step. */
  private Result matched(Optional<Invite> invite, JoinCode code, ByteString ci,
      String fingerprint, JoinCodeServer.Matched match, Wire wire) throws StoreException {
    Redemption redeemed = invite.isPresent() ? store.redeemMatch(code, ci.toByteArray())
        : new Redemption.Unknown(); // a random code for an unknown number: one in 65,536
    if (redeemed instanceof Redemption.Matched m) {
      log.info("join code for invite {} matched from {}: key {} is allowed now{} ({} uses left)",
          code.number(), peer, fingerprint,
          m.entry().name().map(n -> " with the name " + n).orElse(""), m.usesLeft());
      wire.send(List.of(new ServerMessage.JoinCodeConfirm(match.reply())));
      return new Result.Matched();
    }
    log.info("join code for invite {} from {} (key {}) came too late: {}", code.number(), peer,
        fingerprint, redeemed);
    return new Result.Refused();
  }

  private static <T extends ClientMessage> T expect(ClientMessage message, Class<T> type)
      throws ProtocolException {
    if (!type.isInstance(message)) {
      throw new ProtocolException(ProtocolException.Reason.UNEXPECTED_MESSAGE,
          "the join-code exchange expected " + type.getSimpleName() + ", not "
              + message.getClass().getSimpleName());
    }
    return type.cast(message);
  }
}
