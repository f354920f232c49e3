package dev.lanchat.server;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.ElasticInputStream;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientAuthOutcome;
import dev.lanchat.common.handshake.ClientAuthentication;
import dev.lanchat.common.handshake.HandshakeResult;
import dev.lanchat.common.handshake.ServerHandshake;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageChannel;
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
  private final MessageChannel channel;
  private final ByteString th;
  // set by the reader once the client sent BATCH_OK, read by the writer before each batch
  private volatile boolean batches;

  private ClientLink(MessageChannel channel, ByteString th) {
    this.channel = channel;
    this.th = th;
  }

  /**
   * Runs the server side of the handshake on {@code socket}.
   *
   * @throws dev.lanchat.common.ProtocolException if the client's bytes break the protocol
   * @throws IOException if the socket fails or its read timeout passes
   */
  static ClientLink handshake(ClientSocket socket, Identity identity, SecureRandom random)
      throws IOException {
    // nearly every connection waits in a read most of the time: its buffer is sized to what
    // arrives, small while it waits, and a large frame is read straight into its own array
    FrameReader reader = new FrameReader(new ElasticInputStream(socket.input()));
    FrameWriter writer = new FrameWriter(socket.output());
    HandshakeResult result = ServerHandshake.run(reader, writer, identity, random);
    return new ClientLink(new MessageChannel(result.channel(reader, writer)), result.th());
  }

  /**
   * Reads the client's first record and checks that it proves a key for this session (protocol
   * §2.5). Call it once, before {@link #receive}.
   *
   * @throws dev.lanchat.common.ProtocolException for a bad record or message
   * @throws IOException if the socket fails or its read timeout passes
   */
  ClientAuthOutcome authenticate() throws IOException {
    return ClientAuthentication.read(channel, th);
  }

  /**
   * Reads, opens and decodes the next client message.
   *
   * @throws dev.lanchat.common.ProtocolException for a bad record or message
   * @throws java.io.EOFException when the client closed the connection
   * @throws IOException if the socket fails or its read timeout passes
   */
  ClientMessage receive() throws IOException {
    ClientMessage message = channel.receiveFromClient();
    if (message instanceof ClientMessage.ClientAuth) {
      channel.records().markBroken();
      throw new ProtocolException(ProtocolException.Reason.UNEXPECTED_MESSAGE,
          "CLIENT_AUTH is only ever the first record");
    }
    return message;
  }

  /** The session's transcript hash {@code th} (protocol §2.3). */
  ByteString th() {
    return th;
  }

  /** Reads and drops one record, checking only that it opens (for a connection on its way out). */
  void skip() throws IOException {
    channel.receivePlaintext();
  }

  /**
   * The client sent BATCH_OK (protocol §5.13): from the next write on, messages queued together
   * go out in BATCH records.
   */
  void acceptBatches() {
    batches = true;
  }

  /** Seals what the outbox has queued: in BATCH records once the client accepts them. */
  @Override
  public void send(List<byte[]> encoded) throws IOException {
    if (batches) {
      channel.sendBatched(encoded);
    } else {
      channel.sendEncoded(encoded);
    }
  }
}
