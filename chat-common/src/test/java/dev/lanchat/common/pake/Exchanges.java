package dev.lanchat.common.pake;

import dev.lanchat.common.ProtocolException;

/** Runs a whole exchange between a client and a server, through the encoded bytes. */
final class Exchanges {
  private Exchanges() {}

  /** Both sides' outcomes. */
  record Result(JoinCodeClient.Outcome client, JoinCodeServer.Outcome server) {}

  static Result run(JoinCodeClient client, ServerStart server) throws ProtocolException {
    ClientCodeRound1 c1 = ClientCodeRound1.parse(client.round1().encode());
    JoinCodeServer s = server.start(c1);
    JoinCodeClient.Reply reply = client.reply(CodeRound1.parse(s.round1().encode()),
        CodeRound2.parse(s.round2().encode()));
    JoinCodeServer.Outcome serverOutcome = s.finish(CodeRound2.parse(reply.round2().encode()),
        CodeConfirm.parse(reply.confirm().encode()));
    JoinCodeClient.Outcome clientOutcome = switch (serverOutcome) {
      case JoinCodeServer.Matched m -> client.finish(CodeConfirm.parse(m.reply().encode()));
      // the server refuses instead of confirming: the client learns it did not match
      case JoinCodeServer.Mismatched m -> new JoinCodeClient.Mismatched();
    };
    return new Result(clientOutcome, serverOutcome);
  }

  /** How the server side starts once the client's round 1 arrived. */
  @FunctionalInterface
  interface ServerStart {
    JoinCodeServer start(ClientCodeRound1 round1) throws ProtocolException;
  }
}
