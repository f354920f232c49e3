package dev.lanchat.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LoadClientTest {
  @Test
  @Timeout(30)
  void aSetUpThatGetsNoAnswerEndsAsATimeoutAtItsDeadline() throws Exception {
    // a peer that accepts and then says nothing: the handshake's first read waits for it
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());
      Thread acceptor = Thread.ofPlatform().daemon(true).start(() -> {
        try (Socket held = silent.accept()) {
          held.getInputStream().readAllBytes(); // until the client's socket closes
        } catch (Exception e) {
          // the client went away: what this test expects
        }
      });
      SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
          () -> LoadClient.connect(address, "quiet", 300, new SecureRandom()));
      assertTrue(e.getMessage().contains("300 ms"), e.getMessage());
      acceptor.join(10_000);
    }
  }

  @Test
  @Timeout(30)
  void theYardstickSetUpHasTheSameDeadline() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());
      Thread acceptor = Thread.ofPlatform().daemon(true).start(() -> {
        try (Socket held = silent.accept()) {
          held.getInputStream().readAllBytes();
        } catch (Exception e) {
          // the client went away
        }
      });
      assertThrows(SocketTimeoutException.class,
          () -> LoadClient.connectPlain(address, "quiet", 300, new SecureRandom()));
      acceptor.join(10_000);
    }
  }
}
