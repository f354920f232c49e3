package dev.lanchat.server;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ServerHandshake;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageChannel;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;

/**
 * The server's end of one secure channel: the handshake of protocol §3, then typed client
 * messages in and sealed batches out.
 *
 * <p>This is the only class of the server that knows how chat-common runs a handshake, builds a
 * channel and decodes a client message, so a change to those APIs is adapted here alone.
 * Reading is for the connection's reader thread, {@link #send} for its outbox writer.
 */
final class ClientLink implements Outbox.Sink {
  /**
   * The read buffer: small, because a stalled handshake holds it. A frame larger than this is
   * read straight into the array sized to that frame ({@link BufferedInputStream} skips its own
   * buffer for a read at least as large as it), so only a large frame costs a large array.
   */
  static final int READ_BUFFER = 2048;

  private final MessageChannel channel;

  private ClientLink(MessageChannel channel) {
    this.channel = channel;
  }

  /**
   * Runs the server side of the handshake on {@code socket}.
   *
   * @throws dev.lanchat.common.ProtocolException if the client's bytes break the protocol
   * @throws IOException if the socket fails or its read timeout passes
   */
  static ClientLink handshake(ClientSocket socket, Identity identity, SecureRandom random)
      throws IOException {
    FrameReader reader = new FrameReader(new BufferedInputStream(socket.input(), READ_BUFFER));
    FrameWriter writer = new FrameWriter(socket.output());
    return new ClientLink(new MessageChannel(
        ServerHandshake.run(reader, writer, identity, random).channel(reader, writer)));
  }

  /**
   * Reads, opens and decodes the next client message.
   *
   * @throws dev.lanchat.common.ProtocolException for a bad record or message
   * @throws java.io.EOFException when the client closed the connection
   * @throws IOException if the socket fails or its read timeout passes
   */
  ClientMessage receive() throws IOException {
    return channel.receiveFromClient();
  }

  /** Reads and drops one record, checking only that it opens (for a connection on its way out). */
  void skip() throws IOException {
    channel.receivePlaintext();
  }

  @Override
  public void send(List<byte[]> encoded) throws IOException {
    channel.sendEncoded(encoded);
  }
}
