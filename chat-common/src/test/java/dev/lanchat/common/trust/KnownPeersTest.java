package dev.lanchat.common.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Fingerprint;
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

/** The client's memory of peers' keys: new, same, changed; per server; strict file. */
class KnownPeersTest {
  private static final byte[] SERVER = key(100);
  private static final byte[] OTHER_SERVER = key(101);

  @TempDir
  Path dir;

  private static byte[] key(int fill) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) fill);
    return k;
  }

  private static String b64(byte[] key) {
    return Base64.getEncoder().encodeToString(key);
  }

  private Path file() {
    return dir.resolve("known_peers");
  }

  @Test
  void aNameNeverSeenIsNewAndReadingCreatesNoFile() throws Exception {
    KnownPeers peers = KnownPeers.load(file());
    assertInstanceOf(KnownPeers.Check.New.class, peers.check(SERVER, "alice", key(1)));
    assertFalse(Files.exists(file()));
  }

  @Test
  void aRememberedKeyIsSameAndAnotherKeyIsChangedWithBothKeys() throws Exception {
    assertTrue(KnownPeers.load(file()).remember(SERVER, "Alice", key(1)));
    KnownPeers peers = KnownPeers.load(file());
    assertInstanceOf(KnownPeers.Check.Same.class, peers.check(SERVER, "alice", key(1)),
        "names match by skeleton, as the server binds them");
    KnownPeers.Check.Changed changed =
        assertInstanceOf(KnownPeers.Check.Changed.class, peers.check(SERVER, "A1ice", key(2)));
    assertArrayEquals(key(1), changed.oldKey().toByteArray());
    assertArrayEquals(key(2), changed.newKey().toByteArray());
    assertEquals(Fingerprint.of(key(1)), changed.oldFingerprint());
    assertEquals(Fingerprint.of(key(2)), changed.newFingerprint());
  }

  @Test
  void eachServerHasItsOwnNames() throws Exception {
    KnownPeers peers = KnownPeers.load(file());
    peers.remember(SERVER, "alice", key(1));
    assertInstanceOf(KnownPeers.Check.New.class, peers.check(OTHER_SERVER, "alice", key(2)));
    peers.remember(OTHER_SERVER, "alice", key(2));
    KnownPeers again = KnownPeers.load(file());
    assertInstanceOf(KnownPeers.Check.Same.class, again.check(SERVER, "alice", key(1)));
    assertInstanceOf(KnownPeers.Check.Same.class, again.check(OTHER_SERVER, "alice", key(2)));
  }

  @Test
  void rememberingAgainReplacesTheLineAndKeepsCommentsAndTheOwnerOnlyMode() throws Exception {
    Files.writeString(file(), "# mine\n\n" + b64(SERVER) + " alice ed25519 " + b64(key(1)) + "\n");
    KnownPeers peers = KnownPeers.load(file());
    peers.remember(SERVER, "alice", key(2));
    assertEquals(List.of("# mine", "", b64(SERVER) + " alice ed25519 " + b64(key(2))),
        Files.readAllLines(file()));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
    assertInstanceOf(KnownPeers.Check.Same.class,
        KnownPeers.load(file()).check(SERVER, "alice", key(2)));
  }

  @Test
  void aDamagedFileIsAnErrorNamingTheLineAndIsLeftAlone() throws Exception {
    String good = b64(SERVER) + " alice ed25519 " + b64(key(1));
    List<String> damaged = List.of(
        "alice ed25519 " + b64(key(1)),
        b64(SERVER) + " alice rsa " + b64(key(1)),
        b64(SERVER) + " alice ed25519 not-base64!",
        b64(SERVER) + " alice ed25519 " + b64(new byte[31]),
        b64(new byte[16]) + " alice ed25519 " + b64(key(1)),
        b64(SERVER) + " -alice ed25519 " + b64(key(1)),
        good + "\n" + b64(SERVER) + " ALICE ed25519 " + b64(key(2)));
    for (String text : damaged) {
      Files.writeString(file(), "# header\n" + text + "\n");
      BadFileException e = assertThrows(BadFileException.class, () -> KnownPeers.load(file()),
          text);
      assertTrue(e.getMessage().contains("line 2") || e.getMessage().contains("line 3"),
          e.getMessage());
      assertEquals("# header\n" + text + "\n", Files.readString(file(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void oneServerCannotGrowTheFileBeyondItsCap() throws Exception {
    KnownPeers peers = KnownPeers.load(file(), 3);
    for (int i = 0; i < 3; i++) {
      assertTrue(peers.remember(SERVER, "peer" + i, key(i)));
    }
    assertFalse(peers.remember(SERVER, "peer3", key(3)));
    assertInstanceOf(KnownPeers.Check.New.class, peers.check(SERVER, "peer3", key(3)));
    assertTrue(peers.remember(SERVER, "peer0", key(9)), "a known name can still change key");
    assertTrue(peers.remember(OTHER_SERVER, "peer3", key(3)), "the cap is per server");
    assertEquals(5, Files.readAllLines(file()).size(), "header and four entries");
  }

  @Test
  void badArgumentsAreTheCallersMistake() throws Exception {
    KnownPeers peers = KnownPeers.load(file());
    assertThrows(IllegalArgumentException.class, () -> peers.check(SERVER, "a b", key(1)));
    assertThrows(IllegalArgumentException.class, () -> peers.check(new byte[31], "a", key(1)));
    assertThrows(IllegalArgumentException.class, () -> peers.remember(SERVER, "a", new byte[33]));
  }
}
