package dev.lanchat.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A running server hears about changes that other processes commit to its store. */
@Timeout(30)
class StoreWatcherTest {
  @TempDir
  Path dir;

  @Test
  void theListenerIsCalledOnceForEachChangeOfVersionAndNotOtherwise() throws Exception {
    AtomicLong version = new AtomicLong(7);
    AtomicInteger calls = new AtomicInteger();
    StoreWatcher watcher = new StoreWatcher(version::get, calls::incrementAndGet);
    assertFalse(watcher.poll(), "the starting version is not a change");
    version.set(8);
    assertTrue(watcher.poll());
    assertFalse(watcher.poll());
    assertEquals(1, calls.get());
  }

  @Test
  void aCommitByAnotherConnectionReachesTheListener() throws Exception {
    Path file = dir.resolve("server.db");
    byte[] key = new byte[32];
    key[0] = 1;
    try (Store server = Store.open(file, Clock.systemUTC());
        Store admin = Store.open(file, Clock.systemUTC())) {
      CountDownLatch changed = new CountDownLatch(1);
      AtomicInteger allowedWhenTold = new AtomicInteger(-1);
      StoreWatcher watcher = new StoreWatcher(server::dataVersion, () -> {
        try {
          allowedWhenTold.set(server.isAllowed(key) ? 1 : 0);
        } catch (StoreException e) {
          throw new IllegalStateException(e);
        }
        changed.countDown();
      }).start();
      try {
        server.bind("own-write", key); // the server's own writes are not news to it
        admin.allow(KeyFingerprint.of(key), Optional.empty());
        assertTrue(changed.await(10, TimeUnit.SECONDS), "the watcher never saw the change");
        assertEquals(1, allowedWhenTold.get(), "the listener reads the change it was told of");
      } finally {
        watcher.close();
      }
    }
  }

  @Test
  void theServersOwnWritesDoNotMoveTheVersionItWatches() throws Exception {
    try (Store server = Store.open(dir.resolve("server.db"), Clock.systemUTC())) {
      StoreWatcher watcher = new StoreWatcher(server::dataVersion, () -> { });
      server.bind("alice", new byte[32]);
      assertFalse(watcher.poll());
    }
  }
}
