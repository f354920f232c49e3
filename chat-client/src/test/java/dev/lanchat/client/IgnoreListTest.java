package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.storage.BadFileException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IgnoreListTest {
  private static final byte[] KITCHEN = key(1);
  private static final byte[] OFFICE = key(2);

  @TempDir
  Path dir;

  private static byte[] key(int fill) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) fill);
    return key;
  }

  @Test
  void anIgnoredNameIsKeptPerServerAndMatchedBySkeleton() throws Exception {
    Path file = dir.resolve("ignored");
    IgnoreList.Server kitchen = IgnoreList.load(file).forServer(KITCHEN);
    assertEquals(IgnoreList.Added.ADDED, kitchen.ignore("Bob"));
    assertEquals(IgnoreList.Added.ALREADY, kitchen.ignore("b0b"));
    assertTrue(kitchen.isIgnored("bob"));

    IgnoreList again = IgnoreList.load(file);
    assertTrue(again.forServer(KITCHEN).isIgnored("BOB"), "kept across runs");
    assertFalse(again.forServer(OFFICE).isIgnored("bob"), "another server's bob is not ignored");
    assertEquals(List.of("Bob"), again.forServer(KITCHEN).names());
  }

  @Test
  void theFileIsOwnerOnly() throws Exception {
    Path file = dir.resolve("ignored");
    IgnoreList.load(file).forServer(KITCHEN).ignore("bob");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void unignoreShowsTheNameAgainAndSaysWhetherItWasIgnored() throws Exception {
    Path file = dir.resolve("ignored");
    IgnoreList.Server kitchen = IgnoreList.load(file).forServer(KITCHEN);
    kitchen.ignore("bob");
    assertTrue(kitchen.unignore("BOB"));
    assertFalse(kitchen.unignore("bob"));
    assertFalse(IgnoreList.load(file).forServer(KITCHEN).isIgnored("bob"));
  }

  @Test
  void aRenameMovesTheIgnoreToTheNewNameAndFreesTheOld() throws Exception {
    IgnoreList.Server kitchen = IgnoreList.load(dir.resolve("ignored")).forServer(KITCHEN);
    kitchen.ignore("bob");
    assertTrue(kitchen.renamed("bob", "robert"));
    assertTrue(kitchen.isIgnored("robert"));
    assertFalse(kitchen.isIgnored("bob"), "someone else may take the name bob");
    assertFalse(kitchen.renamed("carol", "caz"), "a name not ignored stays not ignored");
  }

  @Test
  void oneServerHoldsAtMostTheCap() throws Exception {
    IgnoreList.Server kitchen = IgnoreList.load(dir.resolve("ignored")).forServer(KITCHEN);
    for (int i = 0; i < IgnoreList.MAX_PER_SERVER; i++) {
      assertEquals(IgnoreList.Added.ADDED, kitchen.ignore("u" + i));
    }
    assertEquals(IgnoreList.Added.FULL, kitchen.ignore("one-more"));
    assertFalse(kitchen.isIgnored("one-more"));
  }

  @Test
  void aBrokenFileIsRefusedNotTreatedAsEmpty() throws Exception {
    Path file = dir.resolve("ignored");
    Files.writeString(file, Base64.getEncoder().encodeToString(KITCHEN) + " b\u001Bob\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    BadFileException bad = assertThrows(BadFileException.class, () -> IgnoreList.load(file));
    assertTrue(bad.getMessage().contains("line 1"), bad.getMessage());
  }

  @Test
  void aFileOthersMayWriteIsRefused() throws Exception {
    Path file = dir.resolve("ignored");
    IgnoreList.load(file).forServer(KITCHEN).ignore("bob");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThrows(BadFileException.class, () -> IgnoreList.load(file));
  }
}
