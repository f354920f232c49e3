package dev.lanchat.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;

/**
 * One accepted TCP socket, with the few things a connection does to it besides reading and
 * writing records: read timeouts, shutting the output after the last message, and closing.
 * Closing twice, or after a failure, is harmless.
 *
 * <p>Thread-safe as far as {@link Socket} is: any thread may close it.
 */
final class ClientSocket {
  private final Socket socket;
  private final String peer;

  ClientSocket(Socket socket) {
    this.socket = socket;
    this.peer = Peers.describe(socket.getRemoteSocketAddress());
  }

  /** The peer as {@code address:port}, for logs. */
  String peer() {
    return peer;
  }

  /**
   * The kernel's send buffer per connection (Linux doubles it for its own bookkeeping). A fixed
   * size, not the automatic one, because a client that never reads otherwise makes the kernel
   * hold megabytes for it, outside every budget of the server; a LAN needs no more to keep a
   * reading client's link busy.
   */
  static final int SEND_BUFFER = 64 << 10;

  /** Turns Nagle off, fixes the send buffer and sets the first read timeout ({@code 0}: none). */
  void prepare(Duration readTimeout) throws IOException {
    socket.setTcpNoDelay(true);
    socket.setSendBufferSize(SEND_BUFFER);
    socket.setSoTimeout(Peers.millis(readTimeout));
  }

  InputStream input() throws IOException {
    return socket.getInputStream();
  }

  OutputStream output() throws IOException {
    return socket.getOutputStream();
  }

  /** Sets the read timeout; a socket that cannot take one is closed, which ends every read. */
  void readTimeout(Duration timeout) {
    try {
      socket.setSoTimeout(Peers.millis(timeout));
    } catch (IOException e) {
      close();
    }
  }

  /**
   * After the writer stopped: a flushed writer shuts the output (the client reads the end after
   * the last message); a failed one closes the socket.
   */
  void writerDone(boolean flushed) {
    if (flushed) {
      try {
        socket.shutdownOutput();
        return;
      } catch (IOException e) {
        // cannot shut down the output: close instead
      }
    }
    close();
  }

  /** Closes the socket now; the reader and writer end with it. */
  void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing more to do: it is closed as far as this server is concerned
    }
  }
}
