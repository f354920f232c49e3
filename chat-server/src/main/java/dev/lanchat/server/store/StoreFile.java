package dev.lanchat.server.store;

import dev.lanchat.common.storage.SecureFiles;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Makes sure the store file is there and owner-only before SQLite opens it. The file is created
 * here, empty and 0600 (SQLite treats an empty file as a new database), rather than by SQLite,
 * whose mode would follow the umask; SQLite then gives its {@code -wal} and {@code -shm} files
 * the same mode as the database.
 */
final class StoreFile {
  private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private StoreFile() {}

  /**
   * Checks {@code file}, creating it first when {@code create} is set and it is missing.
   *
   * @throws StoreException if it is missing (and not to be created), not a regular file, open
   *     to other users, or cannot be created
   */
  static void prepare(Path file, boolean create) throws StoreException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      if (!create) {
        throw new StoreException(file, "there is no store here (the server creates it when it"
            + " first starts; check --data)");
      }
      createOwnerOnly(file);
      return;
    }
    if (!Files.isRegularFile(file)) {
      throw new StoreException(file, "this is not a regular file, so it cannot be the store");
    }
    if (!SecureFiles.posix(file)) {
      return;
    }
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (IOException e) {
      throw new StoreException(file, "cannot read its permissions (" + describe(e) + ")", e);
    }
    if (permissions.stream().anyMatch(NOT_OWNER::contains)) {
      throw new StoreException(file, "other users may read or write this store (mode "
          + PosixFilePermissions.toString(permissions) + "); it holds who may join, so it must "
          + "be owner-only: run chmod 600 " + file);
    }
  }

  private static void createOwnerOnly(Path file) throws StoreException {
    Path dir = file.toAbsolutePath().getParent();
    try {
      SecureFiles.createFolder(dir);
    } catch (IOException e) {
      throw new StoreException(file, "cannot create its folder (" + describe(e) + ")", e);
    }
    try {
      Files.createFile(file, SecureFiles.ownerOnlyFile(dir));
    } catch (FileAlreadyExistsException e) {
      // another process (an admin command, say) created it first: use theirs
    } catch (IOException e) {
      throw new StoreException(file, "cannot create the store (" + describe(e) + ")", e);
    }
  }

  /**
   * A file system failure in words: the JDK's own messages for these are the path alone.
   */
  static String describe(Exception e) {
    return switch (e) {
      case NotDirectoryException n -> "not a folder: " + n.getFile();
      case AccessDeniedException a -> "permission denied: " + a.getFile();
      case NoSuchFileException n -> "no such file or folder: " + n.getFile();
      case FileSystemException f when f.getReason() != null -> f.getFile() + ": " + f.getReason();
      default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    };
  }
}
