package dev.lanchat.client.session;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientAuthOutcome;
import dev.lanchat.common.handshake.ClientAuthentication;
import dev.lanchat.common.handshake.HandshakeResult;
import dev.lanchat.common.handshake.ServerHandshake;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;

/**
 * A server for session tests on 127.0.0.1, port 0 read back: it runs the real server
 * handshake of chat-common, then the test reads and writes each message. Every wait is
 * bounded by a socket timeout.
 */
final class ScriptedServer implements AutoCloseable {
  private static final int TIMEOUT_MS = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ServerSocket socket;
  private final Identity identity = Identity.generate(RANDOM);
  /** The key the clients of these tests prove. */
  static final Identity CLIENT = Identity.generate(RANDOM);

  ScriptedServer() throws IOException {
    socket = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
    socket.setSoTimeout(TIMEOUT_MS);
  }

  SessionSettings settings() {
    return SessionSettings.of("127.0.0.1", socket.getLocalPort(), CLIENT);
  }

  /** Accepts the next client and runs the server side of the handshake with it. */
  Peer accept() throws IOException {
    Socket s = socket.accept();
    s.setSoTimeout(TIMEOUT_MS);
    FrameReader reader = new FrameReader(s.getInputStream());
    FrameWriter writer = new FrameWriter(s.getOutputStream());
    HandshakeResult result = ServerHandshake.run(reader, writer, identity, RANDOM);
    return new Peer(s, new MessageChannel(result.channel(reader, writer)), result.th());
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** One handshaken client connection. */
  static final class Peer implements AutoCloseable {
    private final Socket socket;
    private final MessageChannel channel;
    private final ByteString th;
    /** The key the client proved with CLIENT_AUTH, once its first record was read. */
    private ByteString clientKey;

    private Peer(Socket socket, MessageChannel channel, ByteString th) {
      this.socket = socket;
      this.channel = channel;
      this.th = th;
    }

    /**
     * The client's first record must be a valid CLIENT_AUTH for this session (protocol §2.5);
     * it is checked on the first read, so a client that never gets that far sends nothing.
     */
    private void authenticated() throws IOException {
      if (clientKey == null) {
        ClientAuthOutcome outcome = ClientAuthentication.read(channel, th);
        clientKey = assertInstanceOf(ClientAuthOutcome.Authenticated.class, outcome,
            "the client's first record").key();
      }
    }

    /** The key the client proved (after the first {@code receive}). */
    ByteString clientKey() {
      return clientKey;
    }

    ClientMessage receive() throws IOException {
      authenticated();
      return channel.receiveFromClient();
    }

    void send(ServerMessage... messages) throws IOException {
      for (ServerMessage m : messages) {
        channel.send(m);
      }
    }

    /** Writes {@code b} as one raw byte, outside any record. */
    void writeRawByte(int b) throws IOException {
      socket.getOutputStream().write(b);
      socket.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
