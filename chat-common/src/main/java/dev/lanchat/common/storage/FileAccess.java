package dev.lanchat.common.storage;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Refuses files whose owner or mode would let another local user read a secret or plant a key,
 * as OpenSSH refuses a private key that is "too open". The message names the file, its mode and
 * the command that fixes it.
 *
 * <p>Checks apply on POSIX file systems only; elsewhere (Windows ACLs) they pass. Stateless and
 * thread-safe.
 */
public final class FileAccess {
  private static final Set<PosixFilePermission> GROUP_OR_OTHER_READ_WRITE = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
  private static final Set<PosixFilePermission> GROUP_OR_OTHER_WRITE = EnumSet.of(
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

  private final LongSupplier currentUid;

  private FileAccess(LongSupplier currentUid) {
    this.currentUid = currentUid;
  }

  /** Checks against the user this process runs as. */
  public static FileAccess forCurrentUser() {
    return new FileAccess(() -> new UnixSystem().getUid());
  }

  /** Checks against the given uid (tests: a file "owned by someone else" without root). */
  static FileAccess forUid(long uid) {
    return new FileAccess(() -> uid);
  }

  /**
   * Refuses a private key that is not owned by the current user or that its group or others
   * may read or write.
   *
   * @throws BadFileException naming the file, its mode and the fix
   * @throws IOException if the attributes cannot be read
   */
  public void requirePrivate(Path file) throws IOException {
    check(file, GROUP_OR_OTHER_READ_WRITE, "a private key must be readable and writable by its owner only");
  }

  /**
   * Refuses a file of trusted keys (known servers) that its group or others may write, or that
   * is not owned by the current user: whoever can write it can make us trust their key.
   *
   * @throws BadFileException naming the file, its mode and the fix
   * @throws IOException if the attributes cannot be read
   */
  public void requireNotWritableByOthers(Path file) throws IOException {
    check(file, GROUP_OR_OTHER_WRITE, "a file of trusted keys must be writable by its owner only");
  }

  private void check(Path file, Set<PosixFilePermission> forbidden, String rule) throws IOException {
    // a folder's mode is no key's: "chmod 600" on it would be wrong advice, and harmful
    if (Files.isDirectory(file)) {
      throw new BadFileException(file, "is a folder, not a file; it is refused");
    }
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> mode;
    long owner;
    try {
      mode = view.readAttributes().permissions();
      owner = ((Number) Files.getAttribute(file, "unix:uid")).longValue();
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return; // a POSIX view without numeric owners: the mode check above is all we can do
    }
    long me = currentUid.getAsLong();
    if (owner != me) {
      throw new BadFileException(file, "is owned by uid " + owner + ", not by the current user (uid "
          + me + "); it is refused. Fix: chown " + me + " " + quoted(file) + " && chmod 600 "
          + quoted(file) + ", or remove it");
    }
    if (!Collections.disjoint(mode, forbidden)) {
      throw new BadFileException(file, "permissions " + octal(mode) + " are too open: " + rule
          + "; it is refused. Fix: chmod 600 " + quoted(file));
    }
  }

  /** The mode as four octal digits, as {@code ls -l} users and OpenSSH show it. */
  static String octal(Set<PosixFilePermission> mode) {
    int bits = 0;
    for (PosixFilePermission p : mode) {
      bits |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0 and bit 0400
    }
    return String.format("%04o", bits);
  }

  private static String quoted(Path file) {
    String s = file.toString();
    return s.matches("[A-Za-z0-9_./~+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
