package dev.lanchat.common.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes small secret-bearing files atomically, durably and owner-only (0600): the content goes
 * to a temporary file in the same folder, created with those permissions and fsynced, and is
 * then renamed or linked into place, after which the folder is fsynced too. A reader sees the
 * old file or the new one, never half of one, and after a power loss the new name points at the
 * new content rather than at an empty file.
 */
public final class SecureFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");

  private SecureFiles() {}

  /**
   * Where the data reaches the disk. A seam so that a test can see that each sync happens, and
   * in which order relative to the rename; production code always uses {@link #DISK}.
   */
  interface Sync {
    /** Flushes the temporary file's content before it gets its final name. */
    void file(FileChannel channel, Path temp) throws IOException;

    /** Flushes the folder entry after the rename, so that the new name itself survives. */
    void folder(Path dir) throws IOException;
  }

  /** fsync(2) of the file, then of the folder (POSIX only: Windows cannot open a folder). */
  static final Sync DISK = new Sync() {
    @Override
    public void file(FileChannel channel, Path temp) throws IOException {
      channel.force(true);
    }

    @Override
    public void folder(Path dir) throws IOException {
      if (!posix(dir)) {
        return;
      }
      try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
        channel.force(true);
      }
    }
  };

  /**
   * Creates {@code file} with {@code content}, failing if it already exists.
   *
   * @throws FileAlreadyExistsException if the file exists (it is left untouched)
   * @throws IOException if the folder or file cannot be written
   */
  public static void createNew(Path file, byte[] content) throws IOException {
    createNew(file, content, DISK);
  }

  static void createNew(Path file, byte[] content, Sync sync) throws IOException {
    Path temp = writeTemp(file, content, sync);
    try {
      try {
        Files.createLink(file, temp); // atomic and never replaces an existing file
      } catch (UnsupportedOperationException e) {
        Files.move(temp, file); // no REPLACE_EXISTING: fails if the file appeared meanwhile
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    sync.folder(file.toAbsolutePath().getParent());
  }

  /**
   * Replaces {@code file} (or creates it) with {@code content} atomically.
   *
   * @throws IOException if the folder or file cannot be written
   */
  public static void replace(Path file, byte[] content) throws IOException {
    replace(file, content, DISK);
  }

  static void replace(Path file, byte[] content, Sync sync) throws IOException {
    Path temp = writeTemp(file, content, sync);
    try {
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    sync.folder(file.toAbsolutePath().getParent());
  }

  /**
   * Creates {@code dir}, and any folder above it that is missing, owner-only (0700 where modes
   * exist); a folder that is there already is left as it is.
   *
   * @throws FileSystemException naming the path, when a file stands where a folder should be
   * @throws IOException if it cannot be created
   */
  public static void createFolder(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir, modes(dir, OWNER_ONLY_DIR));
    } catch (FileAlreadyExistsException e) {
      // not a file's own "already exists", which createNew's callers take as another process
      // having written it first (and the JDK's own message would be the path alone)
      throw new FileSystemException(e.getFile(), null, "a file is in the way, where a folder"
          + " should be");
    }
  }

  private static Path writeTemp(Path file, byte[] content, Sync sync) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    createFolder(dir);
    Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", ownerOnlyFile(dir));
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      sync.file(channel, temp);
      return temp;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /**
   * The attribute that makes a file created in {@code dir} owner-only (0600), for
   * {@link Files#createFile} or {@link java.nio.channels.FileChannel#open}; none where the file
   * system has no POSIX modes.
   */
  public static FileAttribute<?>[] ownerOnlyFile(Path dir) {
    return modes(dir, OWNER_ONLY);
  }

  /**
   * Makes an existing file owner-only (0600) where the file system has POSIX modes, for a file
   * that is appended to and may have been made wider by hand.
   */
  public static void narrowToOwner(Path file) throws IOException {
    if (posix(file)) {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
  }

  /**
   * Whether {@code path} (or, while it does not exist, the nearest folder above it) is on a file
   * system with POSIX modes.
   */
  public static boolean posix(Path path) {
    Path existing = path.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing != null
        && Files.getFileAttributeView(existing, PosixFileAttributeView.class) != null;
  }

  private static FileAttribute<?>[] modes(Path near, Set<PosixFilePermission> modes) {
    return posix(near)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(modes)}
        : new FileAttribute<?>[0];
  }
}
