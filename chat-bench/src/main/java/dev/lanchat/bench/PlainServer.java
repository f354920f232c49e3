package dev.lanchat.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The no-crypto yardstick of issue 12: a chat server with LanChat's threads and framing and none
 * of its cryptography, so a run can say how close LanChat comes to what the machine does without
 * it. One platform thread accepts; each connection reads on its own virtual thread through the
 * same frame reader and elastic buffer; each has an outbox whose writer runs on a virtual thread
 * while there is work and writes whatever is queued in one write; one room under one lock encodes
 * each MESSAGE once and offers it to every member.
 *
 * <p>What it leaves out: the handshake and client authentication (a client sends JOIN as its
 * first frame), AES-GCM (records are the plaintext messages, framed as usual), name binding,
 * rate limits, membership notices and the store. A load client talks to it with
 * {@link LoadClient#connectPlain}.
 *
 * <p>Loopback only, for benchmarks. Thread-safe; close it to stop every connection.
 */
final class PlainServer implements AutoCloseable {
  private final ServerSocket listener;
  private final PlainRoom room = new PlainRoom();
  private final Set<PlainConnection> connections = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;
  private long nextId;

  private PlainServer(ServerSocket listener) {
    this.listener = listener;
    this.acceptor = Thread.ofPlatform().name("plain-accept").daemon(true).unstarted(this::accept);
  }

  /**
   * Starts a server on {@code bind}, a loopback address, on a free port.
   *
   * @throws IllegalArgumentException if {@code bind} is not a loopback address
   * @throws IOException if it cannot listen
   */
  static PlainServer start(InetAddress bind) throws IOException {
    if (!bind.isLoopbackAddress()) {
      throw new IllegalArgumentException("the yardstick listens on loopback only, not " + bind);
    }
    ServerSocket listener = new ServerSocket();
    listener.bind(new InetSocketAddress(bind, 0), 4096);
    PlainServer server = new PlainServer(listener);
    server.acceptor.start();
    return server;
  }

  /** Where clients connect. */
  InetSocketAddress localAddress() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  private void accept() {
    while (!closed) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue; // a failed accept of one connection: the next may work
      }
      PlainConnection c = new PlainConnection(socket, room, ++nextId);
      connections.add(c);
      Thread.ofVirtual().name("plain-conn-" + nextId).start(() -> {
        try {
          c.run();
        } finally {
          connections.remove(c);
        }
      });
    }
  }

  /** Stops accepting and closes every connection. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (PlainConnection c : connections) {
      c.close();
    }
    try {
      acceptor.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
