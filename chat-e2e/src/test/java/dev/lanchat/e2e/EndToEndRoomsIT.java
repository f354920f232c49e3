package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's end-to-end rooms through the real launchers, piped, each person with a home (and so
 * an identity and end-to-end keys) of their own: {@code /join #ops --e2e} makes a room whose
 * lines every member reads, a later member reads from its joining on and is told so, {@code
 * /rooms} shows the lock, {@code /me} is refused there, and after a member parts the others'
 * next lines still reach everyone who stayed (the chains were renewed without the leaver).
 */
@Timeout(240)
class EndToEndRoomsIT {
  @TempDir
  Path dir;

  private static Predicate<String> says(String from, String text) {
    return line -> line.endsWith("<" + from + "> " + text);
  }

  /**
   * A line of the current room, #ops, showing {@code what}: not one of #general's, whose
   * coalesced notices may come late, prefixed with their room.
   */
  private static Predicate<String> inOps(String what) {
    return line -> line.contains(what) && !line.contains("#general");
  }

  /** Everything sent to {@code person} before now has been shown: /rooms answers after it. */
  private static void sync(Launched person) throws Exception {
    int mark = person.mark();
    person.type("/rooms");
    person.awaitOutAfter(mark, l -> l.contains("#ops") && l.contains(" member"), "/rooms");
  }

  @Test
  void membersReadEachOtherAndALaterMemberReadsFromItsJoiningOn() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String early = "early-" + run;
    String reply = "reply-" + run;
    String late = "late-" + run;
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      Launched alice = lan.client(server.port(), "alice");
      Launched bob = lan.client(server.port(), "bob");
      alice.awaitOut("as alice");
      bob.awaitOut("as bob");

      alice.type("/join #ops --e2e");
      alice.awaitOut(l -> l.contains("#ops is end-to-end"), "alice told #ops is end-to-end");
      int seen = alice.mark(); // bob's joining #general was shown before: wait for #ops's
      bob.type("/join #ops"); // no flag: the room is end-to-end as alice made it
      bob.awaitOut(l -> l.contains("#ops is end-to-end"), "bob told #ops is end-to-end");
      alice.awaitOutAfter(seen, inOps("bob joined"), "bob in alice's #ops");

      alice.type(early);
      bob.awaitOut(says("alice", early), "alice's end-to-end line at bob");
      bob.type(reply);
      alice.awaitOut(says("bob", reply), "bob's end-to-end line at alice");

      Launched carol = lan.client(server.port(), "carol");
      carol.awaitOut("as carol");
      seen = alice.mark();
      int mark = carol.mark();
      carol.type("/join #ops");
      carol.awaitOutAfter(mark, l -> l.contains("before you joined cannot be read"),
          "carol told that what came before her cannot be read");
      alice.awaitOutAfter(seen, inOps("carol joined"), "carol in alice's #ops");
      alice.type(late);
      carol.awaitOut(says("alice", late), "alice's line after carol joined, at carol");
      sync(carol);
      assertFalse(String.join("\n", carol.stdout()).contains(early), carol.transcript());

      mark = alice.mark();
      alice.type("/rooms");
      String listed = alice.awaitOutAfter(mark, l -> l.contains("#ops") && l.contains("member"),
          "#ops in /rooms");
      assertTrue(listed.contains("\uD83D\uDD12") || listed.contains("[e2e]"),
          "/rooms shows a lock on #ops: " + listed);

      mark = bob.mark();
      bob.type("/me waves");
      bob.type("/rooms"); // a line after the refusal, so it has been shown when this one is
      bob.awaitOutAfter(mark, l -> l.contains("#ops") && l.contains("member"), "/rooms");
      assertTrue(String.join("\n", bob.stdout()).contains("/me is not available")
          || String.join("\n", bob.stderr()).contains("/me is not available"),
          "/me refused in an end-to-end room: " + bob.transcript());

      for (Launched person : List.of(alice, carol)) {
        person.endInput();
        assertEquals(0, person.awaitExit(), person.transcript());
      }
      bob.endInput();
      assertEquals(5, bob.awaitExit(), "a piped line that was refused (/me): " + bob.transcript());
      assertNoWarnings(alice, bob, carol);
    }
  }

  @Test
  void afterAMemberPartsTheOthersStillReadEachOther() throws Exception {
    String after = "after-" + UUID.randomUUID().toString().substring(0, 8);
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      Launched alice = lan.client(server.port(), "alice");
      Launched bob = lan.client(server.port(), "bob");
      Launched carol = lan.client(server.port(), "carol");
      for (Launched person : List.of(alice, bob, carol)) {
        person.awaitOut(l -> l.contains("as "), "connected");
      }
      alice.type("/join #ops --e2e");
      alice.awaitOut(l -> l.contains("#ops is end-to-end"), "#ops made");
      int seen = alice.mark(); // bob and carol joining #general was shown before
      bob.type("/join #ops");
      carol.type("/join #ops");
      alice.awaitOutAfter(seen, inOps("carol joined"), "carol in #ops");
      alice.awaitOutAfter(seen, inOps("bob joined"), "bob in #ops");

      bob.type("/part #ops");
      alice.awaitOut(l -> l.contains("bob parted"), "bob gone from alice's #ops");
      carol.awaitOut(l -> l.contains("bob parted"), "bob gone from carol's #ops");
      alice.type(after);
      carol.awaitOut(says("alice", after), "alice's line under her renewed chain, at carol");
      sync(bob);
      assertFalse(String.join("\n", bob.stdout()).contains(after), bob.transcript());

      for (Launched person : List.of(alice, bob, carol)) {
        person.endInput();
        assertEquals(0, person.awaitExit(), person.transcript());
      }
      assertNoWarnings(alice, bob, carol);
    }
  }

  /**
   * An honest server and honest members give no end-to-end warning: no key refused, no echo of
   * our own room keys taken for a stranger's DM, no message that does not open.
   */
  private static void assertNoWarnings(Launched... people) throws InterruptedException {
    for (Launched person : people) {
      assertTrue(person.stderr().stream().noneMatch(l -> l.contains("WARNING")
          || l.contains("does not open") || l.contains("not a member")), person.transcript());
    }
  }
}
