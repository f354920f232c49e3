package dev.lanchat.common.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.storage.BadFileException;
import dev.lanchat.common.trust.KnownServers.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pinning of protocol §6: unknown, match, mismatch; atomic owner-only writes; broken = error. */
class KnownServersTest {
  @TempDir
  Path dir;

  private static byte[] key(int fill) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) fill);
    return k;
  }

  private static String line(String hostPort, byte[] key) {
    return hostPort + " ed25519 " + Base64.getEncoder().encodeToString(key);
  }

  @Test
  void missingFileHoldsNoPinsAndIsNotCreatedByReading() throws Exception {
    Path file = dir.resolve("known_servers");
    KnownServers known = KnownServers.load(file);
    assertEquals(Outcome.UNKNOWN, known.check("host:7000", key(1)).outcome());
    assertTrue(known.check("host:7000", key(1)).pin().isEmpty());
    assertTrue(known.pins().isEmpty());
    assertTrue(Files.notExists(file));
  }

  @Test
  void pinnedKeyMatchesAndAnotherKeyMismatches() throws Exception {
    Path file = dir.resolve("known_servers");
    KnownServers.load(file).pin("chat.lan:7000", key(1), false);
    KnownServers known = KnownServers.load(file);
    assertEquals(Outcome.MATCH, known.check("chat.lan:7000", key(1)).outcome());
    assertEquals(Outcome.MATCH, known.check("CHAT.lan:7000", key(1)).outcome());
    KnownServers.Lookup mismatch = known.check("chat.lan:7000", key(2));
    assertEquals(Outcome.MISMATCH, mismatch.outcome());
    assertArrayEquals(key(1), mismatch.pin().orElseThrow().key().toByteArray(),
        "the old pin is shown");
    assertEquals(Outcome.UNKNOWN, known.check("chat.lan:7001", key(1)).outcome());
    assertEquals(Outcome.UNKNOWN, known.check("other.lan:7000", key(1)).outcome());
  }

  @Test
  void pinWritesAnOwnerOnlyFileByAtomicReplacementAndKeepsComments() throws Exception {
    Path file = dir.resolve("known_servers");
    String original = "# my servers\n\n" + line("a.lan:7000", key(1)) + "\n   # indented note\n";
    Files.writeString(file, original, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    Object inodeBefore = Files.getAttribute(file, "unix:ino");

    KnownServers.load(file).pin("b.lan:7000", key(2), false);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertNotEquals(inodeBefore, Files.getAttribute(file, "unix:ino"),
        "the file is replaced by a rename, not rewritten in place");
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(List.of("# my servers", "", line("a.lan:7000", key(1)), "   # indented note",
        line("b.lan:7000", key(2))), lines);
    try (var listing = Files.list(dir)) {
      assertEquals(1, listing.count(), "no temporary file is left behind");
    }
    KnownServers known = KnownServers.load(file);
    assertEquals(Outcome.MATCH, known.check("a.lan:7000", key(1)).outcome());
    assertEquals(Outcome.MATCH, known.check("b.lan:7000", key(2)).outcome());
  }

  @Test
  void newFileStartsWithAnExplainingComment() throws Exception {
    Path file = dir.resolve("sub").resolve("known_servers");
    KnownServers.load(file).pin("a.lan:1", key(1), false);
    List<String> lines = Files.readAllLines(file);
    assertTrue(lines.get(0).startsWith("#"), lines.get(0));
    assertEquals(line("a.lan:1", key(1)), lines.get(1));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void existingPinIsReplacedOnlyWhenAsked() throws Exception {
    Path file = dir.resolve("known_servers");
    Files.writeString(file, "# keep me\n" + line("a.lan:7000", key(1)) + "\n");
    KnownServers known = KnownServers.load(file);
    assertThrows(IllegalStateException.class, () -> known.pin("a.lan:7000", key(2), false));
    assertEquals(Outcome.MATCH, KnownServers.load(file).check("a.lan:7000", key(1)).outcome());
    known.pin("a.lan:7000", key(2), true);
    assertEquals(List.of("# keep me", line("a.lan:7000", key(2))), Files.readAllLines(file));
    assertEquals(Outcome.MATCH, known.check("a.lan:7000", key(2)).outcome());
    assertEquals(Outcome.MATCH, KnownServers.load(file).check("a.lan:7000", key(2)).outcome());
  }

  @Test
  void forgetRemovesThatServersPinsAtomicallyOwnerOnlyAndKeepsTheRest() throws Exception {
    Path file = dir.resolve("known_servers");
    Files.writeString(file, "# keep me\n" + line("a.lan:7000", key(1)) + "\n"
        + line("b.lan:7000", key(2)) + "\n" + line("A.lan:7000", key(3)) + "\n"
        + line("c.lan:7000", key(4)) + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    Object inodeBefore = Files.getAttribute(file, "unix:ino");
    KnownServers known = KnownServers.load(file);

    List<KnownServers.Pin> removed = known.forget("a.lan:7000");

    assertEquals(List.of(2, 4), removed.stream().map(KnownServers.Pin::line).toList());
    assertEquals(List.of("# keep me", line("b.lan:7000", key(2)), line("c.lan:7000", key(4))),
        Files.readAllLines(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertNotEquals(inodeBefore, Files.getAttribute(file, "unix:ino"), "replaced by a rename");
    assertEquals(Outcome.UNKNOWN, known.check("a.lan:7000", key(1)).outcome());
    assertEquals(3, known.check("c.lan:7000", key(4)).pin().orElseThrow().line(),
        "the pins after a removed line are renumbered");
    assertEquals(Outcome.UNKNOWN, KnownServers.load(file).check("a.lan:7000", key(1)).outcome());
    assertTrue(known.forget("a.lan:7000").isEmpty(), "nothing left to forget");
  }

  @Test
  void corruptFileIsAnErrorNeverTreatedAsEmpty() throws Exception {
    String[] corrupt = {
        "a.lan:7000 ed25519",                                          // missing key
        "a.lan:7000 rsa " + Base64.getEncoder().encodeToString(key(1)), // other key type
        "a.lan:7000 ed25519 not-base64!!",
        "a.lan:7000 ed25519 " + Base64.getEncoder().encodeToString(new byte[31]),
        "a.lan ed25519 " + Base64.getEncoder().encodeToString(key(1)),  // no port
        ":7000 ed25519 " + Base64.getEncoder().encodeToString(key(1)),  // no host
        line("a.lan:7000", key(1)) + " extra",
    };
    for (String bad : corrupt) {
      Path file = dir.resolve("known_servers");
      String content = "# fine\n" + line("ok.lan:1", key(3)) + "\n" + bad + "\n";
      Files.writeString(file, content);
      BadFileException e = assertThrows(BadFileException.class, () -> KnownServers.load(file), bad);
      assertTrue(e.getMessage().contains("line 3"), e.getMessage());
      assertEquals(content, Files.readString(file));
    }
  }

  @Test
  void unreadableFileIsAnError() throws Exception {
    Path file = dir.resolve("known_servers");
    Files.createDirectory(file); // exists, but cannot be read as a file
    assertThrows(BadFileException.class, () -> KnownServers.load(file));
  }

  @Test
  void hostPortBracketsIpv6Literals() {
    assertEquals("192.168.1.20:7000", KnownServers.hostPort("192.168.1.20", 7000));
    assertEquals("chat.lan:7000", KnownServers.hostPort("chat.lan", 7000));
    assertEquals("[::1]:7000", KnownServers.hostPort("::1", 7000));
    assertEquals("[fe80::1%eth0]:7000", KnownServers.hostPort("fe80::1%eth0", 7000));
    assertEquals("[::1]:7000", KnownServers.hostPort("[::1]", 7000));
  }

  @Test
  void ipv6PinsSurviveAWriteAndARead() throws Exception {
    Path file = dir.resolve("known_servers");
    String hostPort = KnownServers.hostPort("2001:db8::7", 7000);
    KnownServers.load(file).pin(hostPort, key(5), false);
    KnownServers known = KnownServers.load(file);
    assertEquals(Outcome.MATCH, known.check("[2001:db8::7]:7000", key(5)).outcome());
    assertEquals(Outcome.UNKNOWN, known.check("[2001:db8::7]:7001", key(5)).outcome());
  }

  @Test
  void pinsAreFoundByKey() throws Exception {
    Path file = dir.resolve("known_servers");
    KnownServers known = KnownServers.load(file);
    known.pin("a.lan:1", key(1), false);
    known.pin("b.lan:1", key(2), false);
    known.pin("c.lan:1", key(1), false);
    List<KnownServers.Pin> found = KnownServers.load(file).findByKey(key(1));
    assertEquals(List.of("a.lan:1", "c.lan:1"), found.stream().map(KnownServers.Pin::hostPort).toList());
    assertTrue(KnownServers.load(file).findByKey(key(9)).isEmpty());
  }
}
