package dev.lanchat.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Written before fanned out means written: a child JVM appends events (and keeps DMs) and
 * prints each id once the call returned; SIGKILL stops it mid-stream; the reopened store holds
 * every printed event, with its exact bytes, knows every printed line's client message id (which
 * waited in memory, in its event row alone), and the next id follows the last one written.
 */
class CrashDurabilityTest {
  private static final int ACKNOWLEDGED_BEFORE_KILL = 200;
  private static final int WRITER_LIMIT = 100_000;

  @TempDir
  Path dir;

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  /** Each DM goes to its own recipient, so none meets the cap of 100. */
  static ByteString recipient(long i) {
    return HistoryTest.key(10_000 + (int) i);
  }

  static byte[] body(long id) {
    return ("event " + id).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void everyEventAcknowledgedBeforeASigkillIsThereAfterIt() throws Exception {
    Path file = dir.resolve("server.db");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), HistoryWriterMain.class.getName(),
        file.toString(), Integer.toString(WRITER_LIMIT))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<Long> acknowledged = new ArrayList<>();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acknowledged.size() < ACKNOWLEDGED_BEFORE_KILL && Instant.now().isBefore(deadline)
          && (line = in.readLine()) != null) {
        acknowledged.add(Long.parseLong(line.strip()));
      }
      // SIGKILL while it is still writing: no shutdown hook, no close, no checkpoint
      // (it may have written more since: those are checked as whole events below, too)
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the writer did not die");
    } finally {
      child.destroyForcibly();
    }
    assertTrue(acknowledged.size() >= ACKNOWLEDGED_BEFORE_KILL,
        "the writer acknowledged only " + acknowledged.size() + " events in 60 s");
    assertTrue(acknowledged.size() < WRITER_LIMIT, "the writer finished before it was killed");
    assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");

    try (Store store = Store.open(file, Clock.systemUTC())) {
      History history = store.history(Retention.defaults());
      long last = acknowledged.get(acknowledged.size() - 1);
      long lastWritten = history.lastEventId("#general");
      assertTrue(lastWritten >= last,
          "the store ends at " + lastWritten + "; the writer acknowledged up to " + last);
      assertEquals(range(1, last), acknowledged, "the writer printed every id in order");
      // every event written, acknowledged or not, is whole: ids 1..lastWritten, exact bytes
      long count = 0;
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement select = c.createStatement();
          ResultSet rows = select.executeQuery(
              "SELECT event_id, body FROM room_event WHERE room = '#general' ORDER BY event_id")) {
        while (rows.next()) {
          count++;
          assertEquals(count, rows.getLong(1), "no event is missing");
          assertArrayEquals(body(count), rows.getBytes(2), "event " + count);
        }
      }
      assertEquals(lastWritten, count, "every id given has its event");
      OfflineDms dms = store.offlineDms(Retention.defaults());
      for (long i : acknowledged) {
        List<WaitingDm> waiting = dms.take(recipient(i));
        assertEquals(1, waiting.size(), "the DM acknowledged with event " + i);
        assertArrayEquals(body(-i), waiting.get(0).encoded().toByteArray());
      }
      for (long i : acknowledged) { // the lines' ids waited in memory when the writer died
        assertEquals(new AppendResult.Repeat(Optional.of(new EventRef("#general", i))),
            history.append(RoomEventDraft.ofMember("#general", i, HistoryTest.MESSAGE,
                HistoryTest.key(1), i), (id, head) -> body(id)), "line " + i + " sent again");
      }
      AppendResult next = history.append(RoomEventDraft.ofServer("#general", 0,
          HistoryTest.JOINED), (id, head) -> body(id));
      assertEquals(lastWritten + 1,
          assertInstanceOf(AppendResult.Appended.class, next).event().eventId());
    }
  }
}
