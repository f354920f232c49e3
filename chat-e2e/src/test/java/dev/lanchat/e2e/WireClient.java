package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.ServerKeyVerifier;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.ServerMessage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client made in the test from chat-common's own classes (handshake, message channel), talking
 * the wire directly to a launched server on loopback: for tests that must hold what the client
 * holds (end-to-end keys and texts) in the test's JVM, apart from the server's process.
 */
final class WireClient implements AutoCloseable {
  private static final Duration WAIT = Launched.WAIT;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final Socket socket;
  private final MessageChannel channel;
  private final LinkedBlockingQueue<ServerMessage> queue = new LinkedBlockingQueue<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private long nextId = RANDOM.nextLong(1, Long.MAX_VALUE / 2);

  private WireClient(String name, Socket socket, MessageChannel channel) {
    this.name = name;
    this.socket = socket;
    this.channel = channel;
    Thread.ofPlatform().daemon().name("wire-" + name).start(this::read);
  }

  /** Connects to loopback {@code port}, trusting any server key, proves {@code identity}, joins. */
  static WireClient login(int port, String name, Identity identity) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
    socket.setSoTimeout((int) WAIT.toMillis());
    FrameReader reader = new FrameReader(new BufferedInputStream(socket.getInputStream()));
    FrameWriter writer = new FrameWriter(socket.getOutputStream());
    MessageChannel channel = new MessageChannel(ClientHandshake.run(reader, writer, identity,
        RANDOM, ServerKeyVerifier.TRUST_ANY).channel(reader, writer));
    socket.setSoTimeout(0);
    WireClient client = new WireClient(name, socket, channel);
    client.send(new ClientMessage.Join(name));
    client.await(ServerMessage.Welcome.class);
    return client;
  }

  /** A fresh client message id. */
  long nextId() {
    return ++nextId;
  }

  void send(ClientMessage message) throws IOException {
    channel.send(message);
  }

  /** Sends {@code enter} and waits for its ENTERED. */
  ServerMessage.Entered enter(ClientMessage.Enter enter) throws IOException {
    send(enter);
    return await(ServerMessage.Entered.class);
  }

  /** Sends PING and waits for its PONG: everything the server sent before has arrived. */
  void sync() throws IOException {
    long token = RANDOM.nextLong();
    send(new ClientMessage.Ping(token));
    awaitMatching(m -> m instanceof ServerMessage.Pong p && p.token() == token, "PONG");
  }

  /** Waits for ERROR with {@code code}. */
  void awaitError(ErrorCode code) {
    ServerMessage.Error error = await(ServerMessage.Error.class);
    assertEquals(code.code(), error.code(), "error code; text was: " + error.text());
  }

  /** Says BYE and waits until the server closed the connection. */
  void bye() throws IOException, InterruptedException {
    send(new ClientMessage.Bye(""));
    if (!closed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      fail(name + ": the server did not close the connection after BYE");
    }
  }

  /** Waits for the next message of {@code type}, dropping the others before it. */
  <T extends ServerMessage> T await(Class<T> type) {
    return type.cast(awaitMatching(type::isInstance, type.getSimpleName()));
  }

  /** Waits for the next message {@code test} accepts, dropping the others before it. */
  ServerMessage awaitMatching(Predicate<ServerMessage> test, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<String> skipped = new ArrayList<>();
    while (true) {
      ServerMessage m;
      try {
        m = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
      if (m == null) {
        fail(name + ": no " + what + " within " + WAIT + "; skipped " + skipped);
      }
      if (m instanceof ServerMessage.Error e && !test.test(m)) {
        fail(name + ": ERROR " + e.code() + " " + e.text() + " while waiting for " + what);
      }
      if (test.test(m)) {
        return m;
      }
      skipped.add(m.getClass().getSimpleName());
    }
  }

  private void read() {
    try {
      while (true) {
        queue.add(channel.receiveFromServer());
      }
    } catch (IOException | RuntimeException e) {
      // the connection ended
    } finally {
      closed.countDown();
      close();
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
