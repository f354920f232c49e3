package dev.lanchat.client.session;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.pake.JoinCode;
import dev.lanchat.common.pake.JoinCodeClient;
import dev.lanchat.common.pake.SessionBinding;
import java.io.IOException;
import java.security.SecureRandom;

/**
 * The client's join-code exchange on a wire that has just sent CLIENT_AUTH (protocol "Join
 * codes"): JOIN_CODE_1; the server's two rounds; JOIN_CODE_2 and the confirmation; the server's
 * confirmation or its refusal. Stateless; one call per session.
 */
final class CodeExchange {
  /** How the exchange ended. */
  sealed interface Result {
    /** The server proved the same code in this session, for the key it showed. */
    record Matched() implements Result {}

    /** Another code, an invite gone, or someone in between: nothing is proven. */
    record Mismatched() implements Result {}

    /** The server refused for another reason (for example, the server is full). */
    record Refused(ServerMessage.Error error) implements Result {}
  }

  private CodeExchange() {}

  /**
   * Runs the exchange for {@code code}, bound to this session's {@code th}, the server key the
   * wire saw and {@code identity}'s key.
   *
   * @throws ProtocolException if the server sends something else than the exchange's messages
   *     or a proof that does not verify
   * @throws IOException if the connection fails
   */
  static Result run(Wire wire, JoinCode code, Identity identity, SecureRandom random)
      throws IOException {
    JoinCodeClient client = JoinCodeClient.start(code,
        new SessionBinding(wire.th(), wire.serverKey(), identity.publicKey()), random);
    wire.send(new ClientMessage.JoinCode1(client.round1()));
    ServerMessage first = wire.receive();
    if (first instanceof ServerMessage.Error error) {
      return refused(error);
    }
    ServerMessage.JoinCode1 round1 = expect(ServerMessage.JoinCode1.class, first);
    ServerMessage.JoinCode2 round2 = expect(ServerMessage.JoinCode2.class, wire.receive());
    JoinCodeClient.Reply reply = client.reply(round1.round(), round2.round());
    wire.send(new ClientMessage.JoinCode2(reply.round2()));
    wire.send(new ClientMessage.JoinCodeConfirm(reply.confirm()));
    ServerMessage last = wire.receive();
    if (last instanceof ServerMessage.Error error) {
      return refused(error);
    }
    return switch (client.finish(expect(ServerMessage.JoinCodeConfirm.class, last).confirm())) {
      case JoinCodeClient.Matched matched -> new Result.Matched();
      case JoinCodeClient.Mismatched mismatched -> new Result.Mismatched();
    };
  }

  private static Result refused(ServerMessage.Error error) {
    return error.errorCode().orElse(null) == ErrorCode.JOIN_CODE_FAILED
        ? new Result.Mismatched() : new Result.Refused(error);
  }

  private static <T extends ServerMessage> T expect(Class<T> type, ServerMessage message)
      throws ProtocolException {
    if (!type.isInstance(message)) {
      throw new ProtocolException(ProtocolException.Reason.UNEXPECTED_MESSAGE,
          "expected " + type.getSimpleName() + " in the join-code exchange, got "
              + message.getClass().getSimpleName());
    }
    return type.cast(message);
  }
}
