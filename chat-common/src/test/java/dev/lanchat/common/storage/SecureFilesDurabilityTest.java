package dev.lanchat.common.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes fsync the temporary file before the rename and the folder after it. */
class SecureFilesDurabilityTest {
  @TempDir Path dir;

  /** Records each sync and checks, at that moment, what the folder holds. */
  private static final class Recorder implements SecureFiles.Sync {
    final List<String> calls = new ArrayList<>();
    final Path target;
    final byte[] content;
    final byte[] before;

    Recorder(Path target, byte[] content, byte[] before) {
      this.target = target;
      this.content = content;
      this.before = before;
    }

    @Override
    public void file(FileChannel channel, Path temp) throws IOException {
      calls.add("file");
      assertEquals(content.length, channel.size(), "the whole content is written before the sync");
      if (before == null) {
        assertFalse(Files.exists(target), "the file is synced before it gets its name");
      } else {
        assertArrayEquals(before, Files.readAllBytes(target), "the file is synced before the rename");
      }
      SecureFiles.DISK.file(channel, temp);
    }

    @Override
    public void folder(Path folder) throws IOException {
      calls.add("folder");
      assertEquals(target.toAbsolutePath().getParent(), folder);
      assertArrayEquals(content, Files.readAllBytes(target), "the folder is synced after the rename");
      try (var listing = Files.list(folder)) {
        assertEquals(List.of(target.getFileName()), listing.map(Path::getFileName).toList(),
            "the temporary file is gone before the folder is synced");
      }
      SecureFiles.DISK.folder(folder);
    }
  }

  @Test
  void replaceSyncsTheTemporaryFileBeforeTheRenameAndTheFolderAfterIt() throws Exception {
    Path file = dir.resolve("known_servers");
    byte[] old = "old\n".getBytes(StandardCharsets.UTF_8);
    Files.write(file, old);
    byte[] content = "new content\n".getBytes(StandardCharsets.UTF_8);
    Recorder recorder = new Recorder(file, content, old);

    SecureFiles.replace(file, content, recorder);

    assertEquals(List.of("file", "folder"), recorder.calls);
  }

  @Test
  void createNewSyncsTheTemporaryFileBeforeTheLinkAndTheFolderAfterIt() throws Exception {
    Path file = dir.resolve("identity.pem");
    byte[] content = "key\n".getBytes(StandardCharsets.US_ASCII);
    Recorder recorder = new Recorder(file, content, null);

    SecureFiles.createNew(file, content, recorder);

    assertEquals(List.of("file", "folder"), recorder.calls);
  }

  @Test
  void aFailedFileSyncLeavesTheOldFileAndNoTemporaryFile() throws Exception {
    Path file = dir.resolve("known_servers");
    byte[] old = "old\n".getBytes(StandardCharsets.UTF_8);
    Files.write(file, old);
    SecureFiles.Sync failing = new SecureFiles.Sync() {
      @Override
      public void file(FileChannel channel, Path temp) throws IOException {
        throw new IOException("disk full");
      }

      @Override
      public void folder(Path folder) {
        throw new AssertionError("no rename may follow a failed sync");
      }
    };

    IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
        () -> SecureFiles.replace(file, "new".getBytes(StandardCharsets.UTF_8), failing));

    assertEquals("disk full", e.getMessage());
    assertArrayEquals(old, Files.readAllBytes(file));
    try (var listing = Files.list(dir)) {
      assertTrue(listing.allMatch(p -> p.equals(file)), "no temporary file is left behind");
    }
  }
}
