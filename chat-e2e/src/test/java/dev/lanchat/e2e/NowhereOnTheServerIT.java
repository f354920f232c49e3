package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.e2e.DmContent;
import dev.lanchat.common.e2e.DmOutcome;
import dev.lanchat.common.e2e.DmSealer;
import dev.lanchat.common.e2e.E2eKey;
import dev.lanchat.common.e2e.E2eRoom;
import dev.lanchat.common.e2e.InstallOutcome;
import dev.lanchat.common.e2e.KeyRing;
import dev.lanchat.common.e2e.RoomOutcome;
import dev.lanchat.common.e2e.RotationSchedule;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.DmStatus;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's "Must show": a text sent end to end reaches its reader and is nowhere on the
 * server. The server runs as its own process (the launcher), so a heap dump holds the server's
 * memory alone; the clients are built here from chat-common's classes and hold the plaintext in
 * this JVM. One text goes to an end-to-end room and is opened by the other member; another goes
 * as a sealed DM to a bound user who is offline, and stays in the server's offline box. While it
 * waits, the server's heap is dumped; then the server stops, and the heap dump, the store's
 * files (database, -wal, -shm, -journal), every other file the server wrote, and its log output
 * are searched byte for byte for both texts: neither is found. As the control, the same search
 * finds a text said in a plain room of the same run, in the same dump and store.
 */
@Timeout(240)
class NowhereOnTheServerIT {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  Path dir;

  /** One person's end of the end-to-end layer: identity, key ring, DM sealer. */
  private record Party(Identity identity, KeyRing ring, DmSealer sealer) {
    static Party fresh() {
      Identity identity = Identity.generate(RANDOM);
      KeyRing ring = KeyRing.create(identity, RotationSchedule.DEFAULT, RANDOM,
          System.currentTimeMillis());
      return new Party(identity, ring, new DmSealer(ring, RANDOM));
    }

    ByteString id() {
      return ByteString.copyOf(identity.publicKey());
    }

    E2eRoom room(String room) {
      return new E2eRoom(room, identity, sealer, RANDOM);
    }
  }

  @Test
  void anEndToEndTextIsReadByItsRecipientAndIsInNoServerFileLogOrHeapDump() throws Exception {
    String run = UUID.randomUUID().toString();
    String roomText = "e2e-room-" + run;
    String dmText = "e2e-dm-" + run;
    String plainText = "plain-room-" + run;
    Party alice = Party.fresh();
    Party bob = Party.fresh();
    Party carol = Party.fresh();
    Path dump = Files.createDirectories(dir.resolve("dump")).resolve("server.hprof");
    try (Lan lan = new Lan(dir.resolve("lan"))) {
      // a small heap keeps the dump quick to write and search; -v logs at DEBUG
      Lan.Server server = lan.server(0, new Launched.Limits("-Xmx96m", 0), "-v");
      int port = server.port();
      try (WireClient b = WireClient.login(port, "bob", bob.identity())) {
        b.send(new ClientMessage.E2eKey(bob.ring().current()));
        b.bye(); // bound, key published, gone: his DMs wait in the offline box
      }
      try (WireClient a = WireClient.login(port, "alice", alice.identity());
          WireClient c = WireClient.login(port, "carol", carol.identity())) {
        a.send(new ClientMessage.E2eKey(alice.ring().current()));
        c.send(new ClientMessage.E2eKey(carol.ring().current()));
        assertTrue(a.enter(new ClientMessage.Enter("#ops", 0, true)).endToEnd());
        assertTrue(c.enter(new ClientMessage.Enter("#ops", 0, false)).endToEnd());
        E2eRoom alicesOps = alice.room("#ops");
        E2eRoom carolsOps = carol.room("#ops");
        long now = System.currentTimeMillis();
        carolsOps.setMembers(List.of(new E2eRoom.Member(alice.id(), alice.ring().current())),
            now);
        for (E2eRoom.Delivery d : alicesOps.setMembers(List.of(new E2eRoom.Member(carol.id(),
            carol.ring().current())), now).deliveries()) {
          a.send(new ClientMessage.SealedDm(a.nextId(), "carol", d.dm()));
          ServerMessage.SealedDm senderKey = c.await(ServerMessage.SealedDm.class);
          DmOutcome.Opened opened = assertInstanceOf(DmOutcome.Opened.class,
              carol.sealer().open(senderKey.fromKey(), senderKey.sealed()));
          assertInstanceOf(InstallOutcome.Installed.class, carolsOps.install(opened));
        }
        a.send(new ClientMessage.E2eSay(a.nextId(), "#ops", alicesOps.seal(utf8(roomText))));
        ServerMessage.E2eMessage got = c.await(ServerMessage.E2eMessage.class);
        RoomOutcome.Read read = assertInstanceOf(RoomOutcome.Read.class,
            carolsOps.open(got.event().sender(), got.message()));
        assertEquals(roomText, new String(read.text(), StandardCharsets.UTF_8),
            "carol opens what alice said");

        a.send(new ClientMessage.E2eKeysGet("bob"));
        E2eKey bobsKey = a.await(ServerMessage.E2eKeys.class).entries().getFirst().key();
        assertInstanceOf(E2eKey.Check.Valid.class,
            bobsKey.check(bob.id(), System.currentTimeMillis()));
        a.send(new ClientMessage.SealedDm(a.nextId(), "bob",
            alice.sealer().seal(bobsKey, DmContent.TEXT, utf8(dmText))));
        ServerMessage.SealedDm echo = (ServerMessage.SealedDm) a.awaitMatching(
            m -> m instanceof ServerMessage.SealedDm dm && dm.to().equals("bob"),
            "the echo of the DM to bob");
        assertEquals(DmStatus.STORED, echo.status(), "bob is away: the DM waits for him");

        a.enter(new ClientMessage.Enter("#plain", 0, false));
        c.enter(new ClientMessage.Enter("#plain", 0, false));
        a.send(new ClientMessage.Say(a.nextId(), "#plain", plainText));
        c.awaitMatching(m -> m instanceof ServerMessage.Chat chat
            && chat.text().equals(plainText), "the plain text");
        // also the room's topic, which the server holds in a live object whatever its
        // collector did with the SAY's buffers: the heap-dump control cannot miss by luck
        a.send(new ClientMessage.Topic("#plain", plainText));
        c.awaitMatching(m -> m instanceof ServerMessage.Topic t && t.topic().equals(plainText),
            "the plain topic");
        a.sync();

        heapDump(server.process().pid(), dump);
        assertEquals(0, server.stop(), server.process().transcript());
      }

      List<byte[]> secrets = new ArrayList<>();
      for (String text : List.of(roomText, dmText)) {
        for (Charset cs : List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16BE,
            StandardCharsets.UTF_16LE)) {
          secrets.add(text.getBytes(cs));
        }
      }
      List<Path> serverFiles = files(dir.resolve("lan"));
      assertTrue(serverFiles.contains(lan.storeFile()), "the store exists: " + serverFiles);
      for (Path file : concat(serverFiles, List.of(dump))) {
        for (byte[] secret : secrets) {
          assertFalse(contains(file, secret), "an end-to-end text is in " + file);
        }
      }
      String log = String.join("\n", server.process().stdout()) + "\n"
          + String.join("\n", server.process().stderr());
      assertFalse(log.contains(roomText) || log.contains(dmText), "a text is in the log");
      assertTrue(log.contains("DEBUG") || log.contains("INFO"), "the log was captured: " + log);

      assertTrue(contains(dump, utf8(plainText)), "the control is in the heap dump");
      assertTrue(contains(lan.storeFile().getParent(), utf8(plainText)),
          "the control is in the store's files");

      // the sealed DM did wait: bob gets it from storage when he is back, and opens it
      Lan.Server again = lan.server();
      try (WireClient b = WireClient.login(again.port(), "bob", bob.identity())) {
        ServerMessage.SealedDm kept = b.await(ServerMessage.SealedDm.class);
        assertEquals(DmStatus.FROM_STORAGE, kept.status());
        DmOutcome.Opened opened = assertInstanceOf(DmOutcome.Opened.class,
            bob.sealer().open(kept.fromKey(), kept.sealed()));
        assertEquals(dmText, new String(opened.content(), StandardCharsets.UTF_8));
      }
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code jcmd PID GC.heap_dump -all FILE}: every object, unreachable ones included. */
  private static void heapDump(long pid, Path file) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_dump", "-all",
        file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "jcmd did not finish: " + out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(Files.isRegularFile(file) && Files.size(file) > 1_000_000,
        "no heap dump written: " + out);
  }

  /** Every regular file under {@code root}. */
  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static List<Path> concat(List<Path> first, List<Path> second) {
    List<Path> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  /** Whether {@code needle} occurs in the file {@code path}, or in any file under it. */
  private static boolean contains(Path path, byte[] needle) throws IOException {
    if (Files.isDirectory(path)) {
      for (Path file : files(path)) {
        if (contains(file, needle)) {
          return true;
        }
      }
      return false;
    }
    // read in blocks, each starting with the last needle.length - 1 bytes of the one before,
    // so a heap dump of any size is searched without being held whole
    byte[] block = new byte[(1 << 20) + needle.length - 1];
    int kept = 0;
    try (InputStream in = Files.newInputStream(path)) {
      while (true) {
        int read = in.readNBytes(block, kept, block.length - kept);
        int filled = kept + read;
        for (int i = 0; i + needle.length <= filled; i++) {
          if (block[i] == needle[0]
              && Arrays.equals(block, i, i + needle.length, needle, 0, needle.length)) {
            return true;
          }
        }
        if (read == 0 || filled < block.length) {
          return false;
        }
        kept = needle.length - 1;
        System.arraycopy(block, filled - kept, block, 0, kept);
      }
    }
  }
}
