package dev.lanchat.client.session;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientAuthentication;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.HandshakeResult;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;

/**
 * The client's end of the record layer to one server: the only class that runs the handshake
 * and turns records into messages and back, so a change in chat-common's handshake or channel
 * API is adapted here alone.
 *
 * <p>Thread-safety: one thread receives; sends may come from several threads (the channel
 * serialises them).
 */
final class Wire {
  private final MessageChannel channel;
  private final byte[] serverKey;
  private final ByteString th;

  private Wire(MessageChannel channel, byte[] serverKey, ByteString th) {
    this.channel = channel;
    this.serverKey = serverKey;
    this.th = th;
  }

  /**
   * Runs the client role of the handshake (protocol §2) and verifies SERVER_AUTH. Whether the
   * proven key is trusted is not decided here: the session decides it right after this returns,
   * before anything encrypted is sent, and outside the handshake deadline, because a person may
   * be asked and may take long. Once it is trusted, {@link #authenticate} comes first.
   *
   * @throws dev.lanchat.common.ProtocolException if the server's hello or SERVER_AUTH is bad
   * @throws IOException if the connection fails
   */
  static Wire handshake(InputStream in, OutputStream out, SecureRandom random)
      throws IOException {
    FrameReader reader = new FrameReader(in);
    FrameWriter writer = new FrameWriter(out);
    HandshakeResult result = ClientHandshake.verifyServer(reader, writer, random);
    return new Wire(new MessageChannel(result.channel(reader, writer)),
        result.peerKey().orElseThrow().toByteArray(), result.th());
  }

  /**
   * Sends CLIENT_AUTH proving {@code identity} (protocol §2.5): the first record, sent only
   * once the server's key is trusted.
   *
   * @throws IOException if the connection fails
   */
  void authenticate(Identity identity) throws IOException {
    channel.send(ClientAuthentication.prove(identity, th));
  }

  /** This session's transcript hash {@code th} (a copy), which a join code is bound to. */
  byte[] th() {
    return th.toByteArray();
  }

  /** The server's long-term key {@code Si}, proven by SERVER_AUTH (a copy). */
  byte[] serverKey() {
    return serverKey.clone();
  }

  void send(ClientMessage message) throws IOException {
    channel.send(message);
  }

  /**
   * The next message from the server.
   *
   * @throws dev.lanchat.common.ProtocolException if a record is bad; the wire is then unusable
   * @throws IOException if the connection fails or a read deadline passes
   */
  ServerMessage receive() throws IOException {
    return channel.receiveFromServer();
  }
}
