package dev.lanchat.common.storage;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes small secret-bearing files atomically and owner-only (0600): the content goes to a
 * temporary file in the same folder, created with those permissions, and is then renamed or
 * linked into place, so a reader sees the old file or the new one, never half of one.
 */
public final class SecureFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

  private SecureFiles() {}

  /**
   * Creates {@code file} with {@code content}, failing if it already exists.
   *
   * @throws FileAlreadyExistsException if the file exists (it is left untouched)
   * @throws IOException if the folder or file cannot be written
   */
  public static void createNew(Path file, byte[] content) throws IOException {
    Path temp = writeTemp(file, content);
    try {
      try {
        Files.createLink(file, temp); // atomic and never replaces an existing file
      } catch (UnsupportedOperationException e) {
        Files.move(temp, file); // no REPLACE_EXISTING: fails if the file appeared meanwhile
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Replaces {@code file} (or creates it) with {@code content} atomically.
   *
   * @throws IOException if the folder or file cannot be written
   */
  public static void replace(Path file, byte[] content) throws IOException {
    Path temp = writeTemp(file, content);
    try {
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static Path writeTemp(Path file, byte[] content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, posix(dir) ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR)} : new FileAttribute<?>[0]);
    }
    Path temp = posix(dir)
        ? Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
            PosixFilePermissions.asFileAttribute(OWNER_ONLY))
        : Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.write(temp, content);
      return temp;
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  private static boolean posix(Path dir) {
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing != null
        && Files.getFileAttributeView(existing, java.nio.file.attribute.PosixFileAttributeView.class) != null;
  }
}
