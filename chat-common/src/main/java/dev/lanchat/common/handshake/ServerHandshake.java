package dev.lanchat.common.handshake;

import dev.lanchat.common.channel.SecureChannel;
import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.crypto.X25519;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;

/**
 * The server role of the handshake (protocol §2): send ServerHello, read ClientHello, derive the
 * keys, send SERVER_AUTH as record 0. Ends in a {@link SecureChannel} whose sender is {@code
 * k_s2c}. The caller bounds the time it takes (socket timeout).
 */
public final class ServerHandshake {
  private ServerHandshake() {}

  /**
   * Runs the handshake with fresh ephemeral key and salt.
   *
   * @throws dev.lanchat.common.ProtocolException if the client's hello or key is bad
   * @throws IOException if the connection fails
   */
  public static SecureChannel run(InputStream in, OutputStream out, Identity identity,
      SecureRandom random) throws IOException {
    byte[] salt = new byte[32];
    random.nextBytes(salt);
    return run(new FrameReader(in), new FrameWriter(out), identity, X25519.generate(random), salt);
  }

  /**
   * Runs the handshake with the given ephemeral key pair and salt (test vectors need fixed
   * ones). The key pair's private half is wiped before this returns.
   */
  public static SecureChannel run(FrameReader reader, FrameWriter writer, Identity identity,
      X25519.KeyPair ephemeral, byte[] salt) throws IOException {
    byte[] serverHello;
    byte[] clientHello;
    byte[] shared = null;
    KeySchedule keys = null;
    try {
      serverHello = new ServerHello(ephemeral.publicKey(), salt, identity.publicKey()).encode();
      writer.writeFrame(serverHello);
      clientHello = reader.readFrame();
      ClientHello hello = ClientHello.parse(clientHello);
      shared = ephemeral.agree(hello.ephemeral());
      keys = KeySchedule.derive(shared, salt, serverHello, clientHello);
      SecureChannel channel = new SecureChannel(reader, writer,
          CipherState.of(keys.kS2c()), CipherState.of(keys.kC2s()), identity.publicKey());
      byte[] sig = identity.sign(KeySchedule.serverAuthMessage(keys.th()));
      channel.send(new ServerMessage.ServerAuth(sig));
      return channel;
    } finally {
      ephemeral.wipe();
      Bytes.wipe(shared);
      if (keys != null) {
        keys.wipe();
      }
    }
  }
}
