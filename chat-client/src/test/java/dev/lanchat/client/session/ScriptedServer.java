package dev.lanchat.client.session;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
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

  ScriptedServer() throws IOException {
    socket = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
    socket.setSoTimeout(TIMEOUT_MS);
  }

  SessionSettings settings() {
    return SessionSettings.of("127.0.0.1", socket.getLocalPort());
  }

  /** Accepts the next client and runs the server side of the handshake with it. */
  Peer accept() throws IOException {
    Socket s = socket.accept();
    s.setSoTimeout(TIMEOUT_MS);
    FrameReader reader = new FrameReader(s.getInputStream());
    FrameWriter writer = new FrameWriter(s.getOutputStream());
    return new Peer(s, new MessageChannel(
        ServerHandshake.run(reader, writer, identity, RANDOM).channel(reader, writer)));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** One handshaken client connection. */
  static final class Peer implements AutoCloseable {
    private final Socket socket;
    private final MessageChannel channel;

    private Peer(Socket socket, MessageChannel channel) {
      this.socket = socket;
      this.channel = channel;
    }

    ClientMessage receive() throws IOException {
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
