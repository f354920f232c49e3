package dev.lanchat.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port that refuses connections for as long as this is open: a socket is bound to
 * it (port 0, read back) but never listens, so no other process can take the port meanwhile,
 * as it could after binding a free port and releasing it.
 */
final class ClosedPort implements AutoCloseable {
  private final Socket holder = new Socket();

  ClosedPort() throws IOException {
    holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  int port() {
    return holder.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    holder.close();
  }
}
