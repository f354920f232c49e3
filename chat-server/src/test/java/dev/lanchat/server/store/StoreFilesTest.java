package dev.lanchat.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on disk, byte by byte: with {@code --history 0} a sent text is in none of the
 * store's files (the database, its {@code -wal} and {@code -shm}), while the server runs and
 * after; and pruned text does not linger in the file.
 */
public class StoreFilesTest {
  private static final String TEXT = "zebra-quartz-7c1f9e-nobody-else-writes-this";

  @TempDir
  Path dir;

  /** Every file of the store's folder (the database and whatever SQLite made beside it). */
  private List<Path> files() throws IOException {
    return files(dir);
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> all = Files.list(dir)) {
      return all.filter(Files::isRegularFile).toList();
    }
  }

  private List<String> filesHolding(String text) throws IOException {
    return filesHolding(dir, text);
  }

  /**
   * The files of {@code dir} whose bytes contain {@code text} in UTF-8 or UTF-16 (either
   * order); the server's own tests search its store folder with it too.
   */
  public static List<String> filesHolding(Path dir, String text) throws IOException {
    List<byte[]> needles = List.of(text.getBytes(StandardCharsets.UTF_8),
        text.getBytes(StandardCharsets.UTF_16LE), text.getBytes(StandardCharsets.UTF_16BE));
    List<String> found = new ArrayList<>();
    for (Path file : files(dir)) {
      byte[] haystack = Files.readAllBytes(file);
      for (byte[] needle : needles) {
        if (indexOf(haystack, needle) >= 0) {
          found.add(file.getFileName().toString());
          break;
        }
      }
    }
    return found;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Says TEXT in a room, DMs it to someone away, and sends it again (a repeat). */
  private static void useEverything(Store store, Retention retention) throws Exception {
    History history = store.history(retention);
    OfflineDms dms = store.offlineDms(retention);
    byte[] encoded = TEXT.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 50; i++) {
      history.append(RoomEventDraft.ofMember("#general", i, HistoryTest.MESSAGE,
          HistoryTest.key(1), i), (id, head) -> encoded);
      dms.deliverLater(HistoryTest.key(2), HistoryTest.key(1), 1_000 + i, i, encoded);
    }
    history.append(RoomEventDraft.ofMember("#general", 99, HistoryTest.MESSAGE,
        HistoryTest.key(1), 0), (id, head) -> encoded);
    history.recent("#general");
    history.after("#general", 0);
    dms.take(HistoryTest.key(2));
  }

  @Test
  void withHistoryZeroASentTextIsInNoStoreFileWhileRunningOrAfter() throws Exception {
    Store store = Store.open(dir.resolve("server.db"), Clock.systemUTC());
    try {
      useEverything(store, new Retention(0, Optional.empty()));
      assertTrue(files().stream().anyMatch(f -> f.toString().endsWith("-wal")),
          "the write-ahead log exists while the store is open: it was searched too");
      assertEquals(List.of(), filesHolding(TEXT));
    } finally {
      store.close();
    }
    assertEquals(List.of(), filesHolding(TEXT));
  }

  @Test
  void theSearchFindsTheTextWhenHistoryIsKept() throws Exception {
    // the control: the same traffic with history on puts the text in the files
    try (Store store = Store.open(dir.resolve("server.db"), Clock.systemUTC())) {
      useEverything(store, Retention.defaults());
      assertFalse(filesHolding(TEXT).isEmpty());
    }
  }

  @Test
  void prunedTextIsOverwrittenNotLeftInFreePages() throws Exception {
    String old = "walrus-obsidian-4b2d-pruned-long-ago";
    try (Store store = Store.open(dir.resolve("server.db"), Clock.systemUTC())) {
      History history = store.history(new Retention(1, Optional.empty()));
      history.append(RoomEventDraft.ofServer("#general", 0, HistoryTest.JOINED),
          (id, head) -> old.getBytes(StandardCharsets.UTF_8));
      // keeping 1 event, the room's 64th prunes it: without secure_delete its bytes would stay
      // in the page's free space (this test fails with that PRAGMA removed)
      for (int time = 1; time < 64; time++) {
        history.append(RoomEventDraft.ofServer("#general", time, HistoryTest.JOINED),
            (id, head) -> ("later " + id).getBytes(StandardCharsets.UTF_8));
      }
      assertEquals(List.of(64L), history.recent("#general").stream()
          .map(StoredEvent::eventId).toList());
    }
    // closing checkpointed the log into the database and removed it
    assertEquals(List.of(), filesHolding(old));
  }
}
