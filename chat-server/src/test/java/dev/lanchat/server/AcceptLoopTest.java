package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The accept loop survives errors from accept(), as when the descriptor table is full. */
@Timeout(60)
class AcceptLoopTest {
  /** A listening socket whose next {@code failures} accepts fail as a full descriptor table. */
  private static final class FlakyServerSocket extends ServerSocket {
    final AtomicInteger failuresLeft;
    final CountDownLatch allFailed = new CountDownLatch(1);

    FlakyServerSocket(int failures) throws IOException {
      this.failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public Socket accept() throws IOException {
      if (failuresLeft.getAndDecrement() > 0) {
        throw new SocketException("Too many open files");
      }
      allFailed.countDown();
      return super.accept();
    }
  }

  private static ServerSocketFactory factory(ServerSocket socket) {
    return new ServerSocketFactory() {
      @Override
      public ServerSocket createServerSocket() {
        return socket;
      }

      @Override
      public ServerSocket createServerSocket(int port) {
        throw new AssertionError("the server binds its socket itself");
      }

      @Override
      public ServerSocket createServerSocket(int port, int backlog) {
        throw new AssertionError("the server binds its socket itself");
      }

      @Override
      public ServerSocket createServerSocket(int port, int backlog, InetAddress address) {
        throw new AssertionError("the server binds its socket itself");
      }
    };
  }

  @Test
  void afterTooManyOpenFilesTheServerKeepsAcceptingAndAGenuineClientJoins() throws Exception {
    FlakyServerSocket flaky = new FlakyServerSocket(5);
    try (ChatServer server = ChatServer.start(TestServers.config(),
        Identity.generate(new SecureRandom()), factory(flaky))) {
      assertTrue(flaky.allFailed.await(30, TimeUnit.SECONDS), "the loop tried again after errors");
      try (TestClient alice = TestClient.join(server.port(), "alice")) {
        alice.sync();
        assertEquals(List.of("alice"), server.roster());
      }
    }
  }
}
