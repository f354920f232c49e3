package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.handshake.ClientAuthOutcome;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.server.store.StoreException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step between the handshake and the session (protocol §2.5 steps 3-4): the client proves
 * its key, and the key is let in if the server admits it or after a matching join-code exchange.
 *
 * <p>It only decides; the {@link Connection} says the refusal and closes. Kept apart so the
 * connection stays about the life of a socket, and the access rules read in one place.
 */
final class AccessStep {
  private static final Logger log = LoggerFactory.getLogger(AccessStep.class);

  /** How the step ended. */
  sealed interface Verdict {
    /** The key is in; {@code first} is the session's first message if it was read already. */
    record Admitted(ByteString key, Optional<ClientMessage> first) implements Verdict {}

    /** Refused: {@code error} is said, then whatever the client sends is dropped. */
    record Refused(ServerMessage error) implements Verdict {}

    /** The link failed while reading. */
    record Failed(IOException cause) implements Verdict {}
  }

  private final ServerContext server;
  private final ClientLink link;
  private final String peer;
  private final Consumer<ServerMessage> reply;
  private final Runnable codeFailed;

  /**
   * @param peer the peer as {@code address:port}, for logs
   * @param reply queues a message to this client (the join-code exchange answers through it)
   * @param codeFailed charges a failed join code to the source address's rate (protocol §7)
   */
  AccessStep(ServerContext server, ClientLink link, String peer, Consumer<ServerMessage> reply,
      Runnable codeFailed) {
    this.server = server;
    this.link = link;
    this.peer = peer;
    this.reply = reply;
    this.codeFailed = codeFailed;
  }

  /** Runs client authentication and the access decision. */
  Verdict run() {
    ClientAuthOutcome outcome;
    try {
      outcome = link.authenticate();
    } catch (IOException e) {
      return new Verdict.Failed(e); // as for any failed read: a protocol error is said as such
    }
    return switch (outcome) {
      case ClientAuthOutcome.Authenticated a -> admitted(a.key());
      case ClientAuthOutcome.Refused r -> refused(r);
    };
  }

  /**
   * Protocol §2.5 step 4: a proven key goes on to JOIN if the server admits it, or after a
   * matching join-code exchange, which an unknown key in allowlist mode may run first.
   */
  private Verdict admitted(ByteString proven) {
    ClientKeys.Admission admission = server.keys().admit(proven);
    if (admission instanceof ClientKeys.Admission.Unavailable) {
      return new Verdict.Refused(SessionRules.STORE_UNAVAILABLE);
    }
    ClientMessage first;
    try {
      first = link.receive();
    } catch (IOException e) {
      return new Verdict.Failed(e);
    }
    if (first instanceof ClientMessage.JoinCode1 opening) {
      return joinCode(proven, opening);
    }
    if (admission instanceof ClientKeys.Admission.NotAllowed n) {
      log.info("refused {}: key {} is not on the allowlist", peer, n.fingerprint());
      return new Verdict.Refused(new ServerMessage.Error(ErrorCode.NOT_ALLOWED, "your key "
          + n.fingerprint() + " is not allowed on this server; its administrator can allow it"));
    }
    return new Verdict.Admitted(proven, Optional.of(first));
  }

  /** The join-code exchange the client opened; a match lets the key in, anything else ends. */
  private Verdict joinCode(ByteString proven, ClientMessage.JoinCode1 opening) {
    JoinCodeExchange.Wire wire = new JoinCodeExchange.Wire() {
      @Override
      public ClientMessage receive() throws IOException {
        return link.receive();
      }

      @Override
      public void send(List<ServerMessage> messages) {
        messages.forEach(reply);
      }
    };
    JoinCodeExchange.Result result;
    try {
      result = server.keys().exchange(server.random(), peer).run(opening, link.th(),
          server.identity().publicKey(), proven, wire);
    } catch (StoreException e) {
      log.warn("cannot run a join code from {}: {}", peer, e.getMessage());
      return new Verdict.Refused(SessionRules.STORE_UNAVAILABLE);
    } catch (IOException e) {
      return new Verdict.Failed(e);
    }
    if (result instanceof JoinCodeExchange.Result.Refused) {
      codeFailed.run(); // each failure counts against the address's rate (protocol §7)
      return new Verdict.Refused(JoinCodeExchange.REFUSAL);
    }
    return new Verdict.Admitted(proven, Optional.empty());
  }

  /**
   * A client whose first record proved no key (protocol §2.5): its ERROR, then whatever it
   * pipelined is dropped until it hangs up; it joins nothing.
   */
  private Verdict refused(ClientAuthOutcome.Refused refusal) {
    log.info("refused {}: {}", peer, refusal.error().text());
    return new Verdict.Refused(refusal.error());
  }
}
