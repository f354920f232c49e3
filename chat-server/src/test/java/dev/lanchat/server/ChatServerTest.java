package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.message.ServerMessage;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The small public API the lead and the benchmarks build on. */
@Timeout(60)
class ChatServerTest {
  @SuppressWarnings("try") // alice is held joined for the check, never used
  @Test
  void portZeroPicksAFreePortAndTheServerReportsItsClients() throws Exception {
    try (ChatServer server = TestServers.start()) {
      assertNotEquals(0, server.port());
      assertEquals(server.port(), server.localAddress().getPort());
      try (TestClient alice = TestClient.join(server.port(), "alice")) {
        assertEquals(List.of("alice"), server.roster());
        assertEquals(1, server.clientCount());
      }
    }
  }

  @Test
  void aCompanionIsClosedWithTheServer() throws Exception {
    CountDownLatch closed = new CountDownLatch(2);
    ChatServer server = TestServers.start();
    server.closeWith(closed::countDown);
    TestClient alice = TestClient.join(server.port(), "alice");
    server.close();
    assertTrue(server.isClosed());
    assertEquals(ChatServer.SHUTDOWN_REASON, alice.await(ServerMessage.Bye.class).reason());
    server.closeWith(closed::countDown); // already closed: at once
    assertTrue(closed.await(10, TimeUnit.SECONDS));
    server.close(); // twice is fine
  }
}
