package dev.lanchat.common.handshake;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.channel.KeyUpdatePolicy;
import dev.lanchat.common.channel.KeyUpdates;
import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.crypto.X25519;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The server role of the handshake (protocol §2): send ServerHello, read ClientHello, derive the
 * keys, send SERVER_AUTH as record 0. Ends in a {@link HandshakeResult} whose sender is {@code
 * k_s2c}. The caller bounds the time it takes (socket timeout).
 */
public final class ServerHandshake {
  private ServerHandshake() {}

  /**
   * Runs the handshake with fresh ephemeral key and salt. Build the channel from the result
   * with the same {@code reader} and {@code writer}.
   *
   * @throws dev.lanchat.common.ProtocolException if the client's hello or key is bad
   * @throws IOException if the connection fails
   */
  public static HandshakeResult run(FrameReader reader, FrameWriter writer, Identity identity,
      SecureRandom random) throws IOException {
    byte[] salt = new byte[32];
    random.nextBytes(salt);
    return run(reader, writer, identity, X25519.generate(random), salt);
  }

  /**
   * Runs the handshake with the given ephemeral key pair and salt (test vectors need fixed
   * ones). The key pair's private half is wiped before this returns.
   *
   * @throws dev.lanchat.common.ProtocolException if the client's hello or key is bad
   * @throws IOException if the connection fails
   */
  public static HandshakeResult run(FrameReader reader, FrameWriter writer, Identity identity,
      X25519.KeyPair ephemeral, byte[] salt) throws IOException {
    byte[] shared = null;
    KeySchedule keys = null;
    try {
      byte[] serverHello =
          new ServerHello(ephemeral.publicKey(), salt, identity.publicKey()).encode();
      writer.writeFrame(serverHello);
      byte[] clientHello = Hellos.read(reader, ClientHello.SIZE, "ClientHello");
      ClientHello hello = ClientHello.parse(clientHello);
      shared = ephemeral.agree(hello.ephemeral().toByteArray());
      keys = KeySchedule.derive(shared, salt, serverHello, clientHello);
      CipherState send = CipherState.of(keys.kS2c());
      byte[] sig = identity.sign(KeySchedule.serverAuthMessage(keys.th()));
      // SERVER_AUTH is record 0 of the server's direction (protocol §2.4)
      writer.writeFrame(send.seal(MessageCodec.encode(new ServerMessage.ServerAuth(sig))));
      return new HandshakeResult(send, CipherState.of(keys.kC2s()),
          ByteString.copyOf(keys.th()), Optional.empty(),
          KeyUpdates.server(KeyUpdatePolicy.standard()));
    } finally {
      ephemeral.wipe();
      Bytes.wipe(shared);
      if (keys != null) {
        keys.wipe();
      }
    }
  }
}
