package dev.lanchat.common.handshake;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageChannel;
import java.io.IOException;

/**
 * Client authentication (protocol §2.5): the client signs {@code "lanchat v2 client auth" ‖ th}
 * with its long-term key and sends it as CLIENT_AUTH, its record 0; the server checks that
 * record before anything else. Because {@code th} covers both hellos, a proof is bound to one
 * session with one server and cannot be replayed elsewhere.
 *
 * <p>Stateless and thread-safe.
 */
public final class ClientAuthentication {
  private ClientAuthentication() {}

  /** The CLIENT_AUTH that proves {@code identity} for the session with transcript hash {@code th}. */
  public static ClientMessage.ClientAuth prove(Identity identity, ByteString th) {
    byte[] sig = identity.sign(KeySchedule.clientAuthMessage(th.toByteArray()));
    return new ClientMessage.ClientAuth(identity.publicKey(), sig);
  }

  /**
   * Server side: reads the client's first record and checks it. A record that does not open or
   * parse is a protocol error, as anywhere else.
   *
   * @param channel the channel built from the server's {@link HandshakeResult}, before anything
   *     else was read from it
   * @param th the session's transcript hash, {@link HandshakeResult#th()}
   * @throws dev.lanchat.common.ProtocolException if the record is bad or holds no client message
   * @throws IOException if the connection fails
   */
  public static ClientAuthOutcome read(MessageChannel channel, ByteString th) throws IOException {
    return check(channel.receiveFromClient(), th);
  }

  /**
   * Server side: checks the client's first message, in the order of protocol §2.5: it must be
   * CLIENT_AUTH, its key must be a valid Ed25519 public key, its signature must verify.
   */
  public static ClientAuthOutcome check(ClientMessage first, ByteString th) {
    if (!(first instanceof ClientMessage.ClientAuth auth)) {
      return new ClientAuthOutcome.Required(first.type());
    }
    byte[] key = auth.key().toByteArray();
    if (!Ed25519.isValidPublicKey(key)) {
      return new ClientAuthOutcome.Failed(ClientAuthOutcome.Failed.MALFORMED_KEY);
    }
    byte[] signed = KeySchedule.clientAuthMessage(th.toByteArray());
    if (!Ed25519.verify(key, signed, auth.sig().toByteArray())) {
      return new ClientAuthOutcome.Failed(ClientAuthOutcome.Failed.BAD_SIGNATURE);
    }
    return new ClientAuthOutcome.Authenticated(auth.key());
  }
}
