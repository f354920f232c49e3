package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's opt-in chat log through the launcher: {@code chat-client --log DIR} appends every
 * event it shows, in the piped line format, to one file per server and day, readable by its
 * owner only, and a second run appends to the same file.
 */
@Timeout(180)
class ChatLogEndToEndIT {
  @TempDir
  Path dir;

  @Test
  void theLogHoldsEveryShownMessageInOrderOwnerOnlyAndASecondRunAppends() throws Exception {
    Path logs = dir.resolve("chat-logs"); // made by the client, owner-only
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      Launched bob = lan.client(server.port(), "bob");
      bob.awaitOut("as bob");

      List<String> firstRun = talk(lan, server, bob, logs, "one");
      Path log = onlyFileIn(logs);
      String file = log.getFileName().toString();
      assertTrue(file.contains(Integer.toString(server.port()))
          && file.endsWith(LocalDate.now() + ".log"), "one file per server and day: " + file);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(logs)));
      assertInOrder(firstRun, Files.readAllLines(log));

      List<String> secondRun = talk(lan, server, bob, logs, "two");
      assertEquals(log, onlyFileIn(logs), "the same server on the same day: the same file");
      List<String> logged = Files.readAllLines(log);
      List<String> both = new ArrayList<>(firstRun);
      both.addAll(secondRun);
      assertInOrder(both, logged);
      assertTrue(logged.stream().noneMatch(l -> l.indexOf('\u001B') >= 0), "no escapes in the log");
      bob.endInput();
      assertEquals(0, bob.awaitExit(), bob.transcript());
    }
  }

  /**
   * alice (logging) and bob exchange a message and a DM; returns alice's shown message lines
   * (those with a {@code <name>} or a DM arrow), as she printed them.
   */
  private static List<String> talk(Lan lan, Lan.Server server, Launched bob, Path logs,
      String run) throws Exception {
    Launched alice = lan.client(server.port(), "alice", "--log", logs.toString());
    alice.awaitOut("as alice");
    bob.type("from-bob-" + run);
    alice.awaitOut("<bob> from-bob-" + run);
    bob.type("/msg alice dm-from-bob-" + run);
    alice.awaitOut("dm-from-bob-" + run);
    alice.type("from-alice-" + run);
    alice.endInput();
    assertEquals(0, alice.awaitExit(), alice.transcript());
    List<String> shown = alice.stdout().stream()
        .filter(l -> l.contains("-bob-" + run) || l.contains("from-alice-" + run)).toList();
    assertEquals(3, shown.size(), alice.transcript());
    return shown;
  }

  /** {@code line} without the room label after its time, if it has one. */
  private static String withoutRoom(String line) {
    return line.replaceFirst("^(\\d\\d:\\d\\d )#[A-Za-z0-9_-]+ ", "$1");
  }

  private static Path onlyFileIn(Path logs) throws Exception {
    try (Stream<Path> files = Files.list(logs)) {
      List<Path> all = files.toList();
      assertEquals(1, all.size(), "one log file: " + all);
      return all.getFirst();
    }
  }

  /**
   * Each of {@code expected} is a line of {@code logged}, in the same order. The log names the
   * room of every room event ({@code 12:01 #general <bob> hi}), as the piped format does for a
   * room that is not the current one: over a day of logging "the current room" means nothing.
   */
  private static void assertInOrder(List<String> expected, List<String> logged) {
    List<String> unlabelled = logged.stream().map(ChatLogEndToEndIT::withoutRoom).toList();
    int at = 0;
    for (String line : expected) {
      int found = unlabelled.subList(at, unlabelled.size()).indexOf(withoutRoom(line));
      assertTrue(found >= 0, "not logged (in order): " + line + "\n--- log:\n"
          + String.join("\n", logged));
      at += found + 1;
    }
  }
}
