package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatLogTest {
  @TempDir
  Path home;

  /** A clock a test moves by hand. */
  private static final class HandClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>();

    HandClock(String instant) {
      now.set(Instant.parse(instant));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("fixed to UTC");
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  @Test
  void aMissingFolderIsCreatedOwnerOnlyAndEachFileIsOwnerOnly() throws IOException {
    Path dir = home.resolve("logs/chat");
    List<String> failures = new ArrayList<>();
    try (ChatLog log = ChatLog.open(dir, "127.0.0.1:5000",
        new HandClock("2026-12-06T04:00:00Z"), failures::add)) {
      log.append("12:01 <bob> hi");
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    Path file = dir.resolve("127.0.0.1_5000-2026-12-06.log");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(List.of(), failures);
  }

  @Test
  void linesAreAppendedToOneFilePerServerAndDay() throws IOException {
    HandClock clock = new HandClock("2026-12-06T23:59:00Z");
    try (ChatLog log = ChatLog.open(home, "[::1]:5000", clock, why -> { })) {
      log.append("23:59 <bob> late");
      clock.now.set(Instant.parse("2026-12-07T00:01:00Z"));
      log.append("00:01 <bob> early");
    }
    try (ChatLog again = ChatLog.open(home, "[::1]:5000", clock, why -> { })) {
      again.append("00:02 <bob> appended, not replaced");
    }
    assertEquals(List.of("23:59 <bob> late"),
        Files.readAllLines(home.resolve("___1__5000-2026-12-06.log"), StandardCharsets.UTF_8));
    assertEquals(List.of("00:01 <bob> early", "00:02 <bob> appended, not replaced"),
        Files.readAllLines(home.resolve("___1__5000-2026-12-07.log"), StandardCharsets.UTF_8));
  }

  @Test
  void aHostNameCannotLeadTheFileOutOfItsFolder() {
    assertEquals("_._.._etc_5000", ChatLog.safeName("../../etc:5000"));
    assertEquals("_hidden_5000", ChatLog.safeName(".hidden:5000"));
    assertFalse(ChatLog.safeName("a/b\\c:1").contains("/"));
  }

  @Test
  void aFileThatWasMadeByHandWithWiderModeIsNarrowed() throws IOException {
    Path file = home.resolve("h_1-2026-12-06.log");
    Files.writeString(file, "old\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (ChatLog log = ChatLog.open(home, "h:1", new HandClock("2026-12-06T04:00:00Z"),
        why -> { })) {
      log.append("new");
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(List.of("old", "new"), Files.readAllLines(file));
  }

  @Test
  void aSymbolicLinkInPlaceOfTheFileIsNotFollowedAndLoggingStopsWithOneLine() throws IOException {
    Path target = home.resolve("elsewhere");
    Files.writeString(target, "");
    Files.createSymbolicLink(home.resolve("h_1-2026-12-06.log"), target);
    List<String> failures = new ArrayList<>();
    try (ChatLog log = ChatLog.open(home, "h:1", new HandClock("2026-12-06T04:00:00Z"),
        failures::add)) {
      log.append("one");
      log.append("two");
    }
    assertEquals("", Files.readString(target));
    assertEquals(1, failures.size(), failures.toString());
    assertTrue(failures.get(0).startsWith("! the chat log stopped"), failures.get(0));
  }

  @Test
  void aFileWhereTheFolderShouldBeIsRefused() throws IOException {
    Path file = home.resolve("not-a-dir");
    Files.writeString(file, "");
    IOException e = assertThrows(IOException.class, () -> ChatLog.prepare(file));
    assertEquals("it is a file; --log takes a folder, and writes one file a day into it",
        e.getMessage());
  }
}
