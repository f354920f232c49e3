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
    SocketTimeoutException e = setUpAgainstASilentPeer(LoadClient::connect);
    assertTrue(e.getMessage().contains("300 ms"), e.getMessage());
  }

  @Test
  @Timeout(30)
  void theYardstickSetUpHasTheSameDeadline() throws Exception {
    setUpAgainstASilentPeer(LoadClient::connectPlain);
  }

  /**
   * Sets a client up, with a deadline of 300 ms, against a peer that accepts, reads whatever
   * comes and never answers; the timeout it must end with.
   */
  private static SocketTimeoutException setUpAgainstASilentPeer(LoadClient.Connector connector)
      throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());
      Thread acceptor = Thread.ofPlatform().daemon(true).start(() -> {
        try (Socket held = silent.accept()) {
          held.getInputStream().readAllBytes(); // until the client's socket closes
        } catch (Exception e) {
          // the client went away: what the test expects
        }
      });
      SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
          () -> connector.connect(address, "quiet", 300, new SecureRandom()));
      acceptor.join(10_000);
      return e;
    }
  }
}
