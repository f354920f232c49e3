package dev.lanchat.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store whose folder cannot be made says why in words, not with the JDK's bare path, for the
 * server (which takes the store's lock first) and for the admin commands alike.
 */
class StoreFileTest {
  @TempDir
  Path dir;

  @Test
  void aFileWhereTheStoresFolderShouldBeIsNamedAsInTheWay() throws Exception {
    Path file = Files.writeString(dir.resolve("notes"), "not a folder");
    Path store = file.resolve("server.db");
    String expected = store + ": cannot create its folder (" + file
        + ": a file is in the way, where a folder should be)";
    assertEquals(expected, assertThrows(StoreException.class,
        () -> Store.open(store, Clock.systemUTC())).getMessage());
    assertEquals(expected, assertThrows(StoreException.class,
        () -> ServerLock.take(store)).getMessage());
  }
}
