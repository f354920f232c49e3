package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.server.store.Retention;
import dev.lanchat.server.store.StoreFilesTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --history 0} through a running server: a text said in a room, set as a topic, and
 * sent as a DM to someone offline (refused with OFFLINE_FULL) is in none of the store's files,
 * while the server runs and after; with history kept, the same traffic puts it there.
 */
@Timeout(60)
class StoreFilesServerTest {
  private static final String TEXT = "quokka-basalt-91d3-only-this-test-says-it";

  @TempDir
  Path dir;

  /** Runs the traffic on a server keeping {@code retention}; true if the offline DM was kept. */
  private boolean talk(Retention retention) throws Exception {
    ServerConfig config = TestServers.config().toBuilder().dataFile(dir.resolve("server.db"))
        .retention(retention).build();
    try (ChatServer server = TestServers.start(config)) {
      TestClient bob = TestClient.login(server.port(), "bob");
      bob.close();
      try (TestClient alice = TestClient.login(server.port(), "alice")) {
        alice.enter("#general");
        alice.say("#general", TEXT);
        alice.send(new ClientMessage.Topic("#general", TEXT));
        alice.sendDm("bob", TEXT);
        alice.sync();
        boolean kept = alice.log().stream().noneMatch(m -> m instanceof ServerMessage.Error e
            && e.code() == ErrorCode.OFFLINE_FULL.code());
        assertTrue(alice.log().stream().anyMatch(m -> m instanceof ServerMessage.Chat c
            && c.text().equals(TEXT)), "said in the room");
        if (!retention.keepsText()) {
          assertEquals(List.of(), StoreFilesTest.filesHolding(dir, TEXT), "while it runs");
        }
        return kept;
      }
    }
  }

  @Test
  void withHistoryZeroNothingSaidReachesTheStoreFiles() throws Exception {
    assertFalse(talk(new Retention(0, Optional.empty())), "the offline DM was refused");
    assertEquals(List.of(), StoreFilesTest.filesHolding(dir, TEXT), "after it stopped");
  }

  @Test
  void theSearchFindsTheTextWhenHistoryIsKept() throws Exception {
    assertTrue(talk(Retention.defaults()), "the offline DM was kept");
    assertFalse(StoreFilesTest.filesHolding(dir, TEXT).isEmpty());
  }
}
