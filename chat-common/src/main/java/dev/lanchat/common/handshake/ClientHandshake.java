package dev.lanchat.common.handshake;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.channel.SecureChannel;
import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.crypto.X25519;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;

/**
 * The client role of the handshake (protocol §2): read ServerHello, send ClientHello, derive the
 * keys, open SERVER_AUTH (record 0), verify its signature against {@code Si}, then ask the
 * {@link ServerKeyVerifier} whether {@code Si} is trusted. Nothing encrypted is sent before both
 * checks pass. Ends in a {@link SecureChannel} whose sender is {@code k_c2s}.
 */
public final class ClientHandshake {
  private ClientHandshake() {}

  /**
   * Runs the handshake with a fresh ephemeral key.
   *
   * @throws ProtocolException if the server's hello, key or SERVER_AUTH is bad
   * @throws IOException if the connection fails, or as thrown by {@code verifier}
   */
  public static SecureChannel run(InputStream in, OutputStream out, SecureRandom random,
      ServerKeyVerifier verifier) throws IOException {
    return run(new FrameReader(in), new FrameWriter(out), X25519.generate(random), verifier);
  }

  /**
   * Runs the handshake with the given ephemeral key pair (test vectors need a fixed one). The
   * private half is wiped before this returns.
   */
  public static SecureChannel run(FrameReader reader, FrameWriter writer,
      X25519.KeyPair ephemeral, ServerKeyVerifier verifier) throws IOException {
    byte[] shared = null;
    KeySchedule keys = null;
    SecureChannel channel;
    byte[] serverIdentity;
    byte[] th;
    try {
      byte[] serverHello = reader.readFrame();
      ServerHello hello = ServerHello.parse(serverHello);
      byte[] clientHello = new ClientHello(ephemeral.publicKey()).encode();
      writer.writeFrame(clientHello);
      shared = ephemeral.agree(hello.ephemeral());
      keys = KeySchedule.derive(shared, hello.salt(), serverHello, clientHello);
      serverIdentity = hello.identity();
      th = keys.th();
      channel = new SecureChannel(reader, writer,
          CipherState.of(keys.kC2s()), CipherState.of(keys.kS2c()), serverIdentity);
    } finally {
      ephemeral.wipe();
      Bytes.wipe(shared);
      if (keys != null) {
        keys.wipe();
      }
    }
    ServerMessage first;
    try {
      first = channel.receiveFromServer();
    } catch (ProtocolException e) {
      throw new ProtocolException(Reason.BAD_SERVER_AUTH,
          "the server's first record did not open: " + e.getMessage(), e);
    }
    if (!(first instanceof ServerMessage.ServerAuth auth)) {
      throw new ProtocolException(Reason.BAD_SERVER_AUTH,
          "the server's first record is not SERVER_AUTH");
    }
    if (!Ed25519.verify(serverIdentity, KeySchedule.serverAuthMessage(th), auth.sig())) {
      throw new ProtocolException(Reason.BAD_SERVER_AUTH,
          "the server's SERVER_AUTH signature does not verify: someone may be in the middle");
    }
    verifier.verify(serverIdentity);
    return channel;
  }
}
