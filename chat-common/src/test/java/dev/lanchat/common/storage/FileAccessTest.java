package dev.lanchat.common.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.trust.KnownPeers;
import dev.lanchat.common.trust.KnownServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key files that another local user could read or write are refused, with a message naming the
 * file, its mode and the fix (POSIX file systems only).
 */
class FileAccessTest {
  @TempDir Path dir;

  @BeforeEach
  void posixOnly() {
    assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null,
        "permission bits exist on POSIX file systems only");
  }

  private Path keyFile(String mode) throws Exception {
    Path file = dir.resolve("identity.pem");
    Files.writeString(file, Identity.generate(new SecureRandom()).toPem(), StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  @Test
  void privateKeyReadableByOthersIsRefusedWithTheModeAndTheChmodFix() throws Exception {
    Path file = keyFile("rw-r--r--");
    BadFileException e = assertThrows(BadFileException.class,
        () -> Identity.loadOrCreate(file, new SecureRandom()));
    assertEquals(file, e.file());
    assertTrue(e.getMessage().contains("permissions 0644 are too open"), e.getMessage());
    assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
        "the file is left as it was");
  }

  @Test
  void privateKeyOpenToItsGroupInAnyWayIsRefused() throws Exception {
    for (String mode : new String[] {"rw-r-----", "rw--w----", "rw----r--", "rw-----w-", "rw-rw-rw-"}) {
      Path file = keyFile(mode);
      BadFileException e = assertThrows(BadFileException.class, () -> Identity.load(file), mode);
      assertTrue(e.getMessage().contains("too open"), e.getMessage());
    }
  }

  @Test
  void aFolderGivenAsAKeyFileIsRefusedAsAFolderWithNoChmodAdvice() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("keys"));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
    for (Path given : new Path[] {folder, dir}) {
      BadFileException e = assertThrows(BadFileException.class,
          () -> Identity.loadOrCreate(given, new SecureRandom()));
      assertEquals(given + ": is a folder, not a file; it is refused", e.getMessage());
      e = assertThrows(BadFileException.class, () -> KnownServers.load(given));
      assertTrue(e.getMessage().contains("is a folder, not a file"), e.getMessage());
    }
    assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)),
        "the folder is left as it was");
  }

  @Test
  void aFileWhereTheKeysFolderShouldBeIsNamedNotTakenForAKeyWrittenMeanwhile()
      throws Exception {
    Path notes = Files.writeString(dir.resolve("notes"), "not a folder");
    java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
        () -> Identity.loadOrCreate(notes.resolve("identity.pem"), new SecureRandom()));
    assertEquals(notes + ": a file is in the way, where a folder should be", e.getMessage());
  }

  @Test
  void ownerOnlyPrivateKeyLoads() throws Exception {
    for (String mode : new String[] {"rw-------", "r--------"}) {
      Path file = keyFile(mode);
      Identity.load(file);
    }
  }

  @Test
  void privateKeyOwnedBySomeoneElseIsRefused() throws Exception {
    Path file = keyFile("rw-------");
    long owner = ((Number) Files.getAttribute(file, "unix:uid")).longValue();
    BadFileException e = assertThrows(BadFileException.class,
        () -> FileAccess.forUid(owner + 1).requirePrivate(file));
    assertTrue(e.getMessage().contains("owned by uid " + owner), e.getMessage());
    assertTrue(e.getMessage().contains("not by the current user (uid " + (owner + 1) + ")"),
        e.getMessage());
  }

  @Test
  void currentUserIsTheOwnerOfFilesThisProcessCreates() throws Exception {
    Path file = keyFile("rw-------");
    FileAccess.forCurrentUser().requirePrivate(file); // the real uid lookup agrees with the file system
  }

  @Test
  void knownServersWritableByOthersIsRefused() throws Exception {
    Path file = dir.resolve("known_servers");
    Files.writeString(file, "# pins\n", StandardCharsets.UTF_8);
    for (String mode : new String[] {"rw-rw-r--", "rw-r--rw-"}) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
      BadFileException e = assertThrows(BadFileException.class, () -> KnownServers.load(file), mode);
      assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
    }
  }

  @Test
  void knownPeersWritableByOthersIsRefused() throws Exception {
    Path file = dir.resolve("known_peers");
    Files.writeString(file, "# peers\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    BadFileException e = assertThrows(BadFileException.class, () -> KnownPeers.load(file));
    assertTrue(e.getMessage().contains("permissions 0666 are too open"), e.getMessage());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    KnownPeers.load(file);
  }

  @Test
  void clientIdentityOpenToOthersIsRefusedByTheSameLoader() throws Exception {
    Path file = keyFile("rw-rw----");
    assertThrows(BadFileException.class, () -> Identity.loadOrCreate(file, new SecureRandom()));
  }

  @Test
  void knownServersReadableByOthersStillLoadsBecauseItHoldsOnlyPublicKeys() throws Exception {
    Path file = dir.resolve("known_servers");
    Files.writeString(file, "# pins\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    KnownServers.load(file);
  }

  @Test
  void knownServersOwnedBySomeoneElseIsRefused() throws Exception {
    Path file = dir.resolve("known_servers");
    Files.writeString(file, "# pins\n", StandardCharsets.UTF_8);
    long owner = ((Number) Files.getAttribute(file, "unix:uid")).longValue();
    assertThrows(BadFileException.class,
        () -> FileAccess.forUid(owner + 1).requireNotWritableByOthers(file));
  }

  @Test
  void modesAreShownInOctalAsOpensshShowsThem() {
    assertEquals("0644", FileAccess.octal(PosixFilePermissions.fromString("rw-r--r--")));
    assertEquals("0600", FileAccess.octal(PosixFilePermissions.fromString("rw-------")));
    assertEquals("0777", FileAccess.octal(PosixFilePermissions.fromString("rwxrwxrwx")));
    assertEquals("0041", FileAccess.octal(PosixFilePermissions.fromString("---r----x")));
  }
}
