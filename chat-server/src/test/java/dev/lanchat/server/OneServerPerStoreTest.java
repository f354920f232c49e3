package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.server.store.ServerLock;
import dev.lanchat.server.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One running server per store: a second one is refused with a sentence while the first runs
 * (they would number and chain the same rooms twice), and starts once the first has stopped.
 */
@Timeout(60)
class OneServerPerStoreTest {
  @TempDir
  Path dir;

  @Test
  void aSecondServerOnTheSameStoreIsRefusedUntilTheFirstStops() throws Exception {
    ServerConfig config = TestServers.config().toBuilder()
        .dataFile(dir.resolve("data").resolve("server.db")).build();
    try (ChatServer first = TestServers.start(config)) {
      StoreException e = assertThrows(StoreException.class, () -> TestServers.start(config));
      assertTrue(e.getMessage().contains("another chat-server is running on this store"),
          e.getMessage());
      try (TestClient alice = TestClient.join(first.port(), "alice")) {
        alice.sync(); // still serving
      }
    }
    try (ChatServer second = TestServers.start(config)) {
      assertTrue(second.port() > 0, "started once the first had stopped");
    }
    Path lock = ServerLock.fileFor(config.dataFile());
    if (Files.getFileAttributeView(lock, java.nio.file.attribute.PosixFileAttributeView.class)
        != null) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lock)));
    }
  }
}
