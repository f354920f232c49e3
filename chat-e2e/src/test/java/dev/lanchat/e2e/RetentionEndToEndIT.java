package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's retention through the launcher: with {@code --history 0} a text said in the room,
 * or sent as a DM to someone offline, is in none of the store's files (database, -wal, -shm,
 * -journal) once the server has stopped; with the default history the same search finds the
 * room's text, so the search itself is shown to work, and still not the DM's, which the server
 * only ever held sealed to bob (issue 17).
 */
@Timeout(180)
class RetentionEndToEndIT {
  @TempDir
  Path dir;

  @Test
  void withHistoryZeroNoSentTextIsInAnyStoreFileAfterTheServerStops() throws Exception {
    Texts texts = Texts.fresh();
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server("--history", "0");
      int refused = talk(lan, server, texts);
      assertEquals(5, refused, "the offline DM is refused: the server keeps no messages");
      assertEquals(0, server.stop(), server.process().transcript());
      List<Path> files = storeFiles(lan);
      assertTrue(files.contains(lan.storeFile()), "the store exists: " + files);
      for (String text : texts.all()) {
        assertFalse(foundIn(files, text), text + " is in a store file: " + files);
      }
    }
  }

  @Test
  void withTheDefaultHistoryTheSameSearchFindsTheRoomTextButNotTheSealedDm() throws Exception {
    Texts texts = Texts.fresh();
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      assertEquals(0, talk(lan, server, texts), "the offline DM is stored");
      assertEquals(0, server.stop(), server.process().transcript());
      List<Path> files = storeFiles(lan);
      assertTrue(foundIn(files, texts.said()), texts.said() + " is in no store file: " + files);
      // every DM is sealed to its recipient (issue 17): the server stored only ciphertext
      assertFalse(foundIn(files, texts.dm()), texts.dm() + " is in a store file: " + files);
    }
  }

  /** Unique texts for one run: one said in the room, one sent as a DM to someone offline. */
  private record Texts(String said, String dm) {
    static Texts fresh() {
      String run = UUID.randomUUID().toString();
      return new Texts("said-" + run, "dm-" + run);
    }

    List<String> all() {
      return List.of(said, dm);
    }
  }

  /**
   * bob joins once (so his name is bound) and leaves; alice says one text in the room, which
   * carol receives, and DMs bob the other; returns alice's exit code.
   */
  private static int talk(Lan lan, Lan.Server server, Texts texts) throws Exception {
    Launched bob = lan.client(server.port(), "bob");
    bob.endInput();
    assertEquals(0, bob.awaitExit(), bob.transcript());
    Launched carol = lan.client(server.port(), "carol");
    carol.awaitOut("as carol");
    Launched alice = lan.client(server.port(), "alice");
    alice.awaitOut("as alice");
    alice.type(texts.said());
    carol.awaitOut("<alice> " + texts.said());
    alice.type("/msg bob " + texts.dm());
    alice.endInput();
    int code = alice.awaitExit();
    carol.endInput();
    assertEquals(0, carol.awaitExit(), carol.transcript());
    return code;
  }

  /**
   * Every file in the store's own folder: the database and whatever SQLite keeps beside it
   * (-wal, -shm, -journal).
   */
  private static List<Path> storeFiles(Lan lan) throws IOException {
    try (Stream<Path> files = Files.list(lan.storeFile().getParent())) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static boolean foundIn(List<Path> files, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      for (int i = 0; i + needle.length <= bytes.length; i++) {
        if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
          return true;
        }
      }
    }
    return false;
  }
}
