package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's rooms and IRC-style commands through the real launchers, piped: the current room
 * and the room prefix of other rooms, {@code --room}, each room's own order and history,
 * isolation (a client in many rooms, one in none), {@code /me}, {@code /topic}, {@code /who},
 * {@code /rooms}, {@code /away} and {@code /back}, {@code /ignore}, {@code /nick} moving the key's
 * binding, and the server's room limit.
 */
@Timeout(240)
class RoomsEndToEndIT {
  @TempDir
  Path dir;

  /** A line that shows {@code text} said by {@code from} (a message, not a command echo). */
  private static Predicate<String> says(String from, String text) {
    return line -> line.endsWith("<" + from + "> " + text);
  }

  /**
   * Makes sure {@code person} has been shown everything the server had sent it before now: the
   * answer to {@code /rooms} comes after all of it on the same connection. {@code aRoomListed}
   * is a room with members, so in the list ({@code #dev: 3 members}).
   */
  private static void sync(Launched person, String aRoomListed) throws Exception {
    int mark = person.mark();
    person.type("/rooms");
    person.awaitOutAfter(mark, l -> l.contains(aRoomListed + ": ") && l.contains(" member"),
        "/rooms listing " + aRoomListed);
  }

  @Test
  void typedLinesGoToTheCurrentRoomOtherRoomsArePrefixedAndJoiningShowsThatRoomsHistory()
      throws Exception {
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      Launched alice = lan.client(server.port(), "alice", "--room", "#dev");
      Launched bob = lan.client(server.port(), "bob");
      Launched carol = lan.client(server.port(), "carol");
      alice.awaitOut("as alice");
      alice.awaitOut("#dev"); // --room: she starts in #dev, not #general
      bob.awaitOut("as bob");
      carol.awaitOut("as carol");

      bob.type("/join #dev"); // creates nothing new: alice made it; now bob's current room
      bob.type("dev-1");
      String shown = alice.awaitOut(says("bob", "dev-1"), "bob in #dev");
      assertFalse(shown.contains("#dev"), "the current room has no prefix: " + shown);

      bob.type("/switch #general");
      bob.type("general-1");
      bob.type("general-2");
      carol.awaitOut(says("bob", "general-2"), "bob in #general");

      int mark = alice.mark();
      alice.type("/join #general"); // shows #general's history, oldest first, then it is current
      alice.awaitOutAfter(mark, l -> l.contains("general-2"), "#general's history");
      List<String> history = Said.all(alice.stdoutAfter(mark), "general-").stream()
          .map(Said::text).toList();
      assertEquals(List.of("general-1", "general-2"), history, alice.transcript());

      bob.type("/switch #dev");
      bob.type("dev-2");
      bob.type("/me waves");
      String other = alice.awaitOut(says("bob", "dev-2"), "bob in #dev, not current");
      assertTrue(other.contains("#dev <bob> dev-2"), "another room is prefixed: " + other);
      alice.awaitOut(l -> l.contains("#dev * bob waves"), "/me in another room");

      bob.type("/switch #general");
      bob.type("/me nods");
      String action = carol.awaitOut(l -> l.endsWith("* bob nods"), "/me in the current room");
      assertFalse(action.contains("#general"), action);
      alice.awaitOut(l -> l.endsWith("* bob nods") && !l.contains("#"), "/me in alice's room");

      sync(carol, "#dev");
      assertTrue(carol.stdout().stream().noneMatch(l -> l.contains("dev-") || l.contains("waves")),
          "carol is not in #dev and hears nothing of it\n" + carol.transcript());
      for (Launched p : List.of(alice, bob, carol)) {
        p.endInput();
        assertEquals(0, p.awaitExit(), p.transcript());
      }
    }
  }

  @Test
  void aClientInManyRoomsGetsOnlyTheirEventsAndAClientInNoRoomGetsNothing() throws Exception {
    List<String> mine = List.of("#r1", "#r2", "#r3", "#r4", "#r5");
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      Launched many = lan.client(server.port(), "many");
      Launched none = lan.client(server.port(), "none");
      for (String room : mine) {
        many.type("/join " + room);
      }
      many.type("/part #general"); // many: exactly #r1..#r5
      none.type("/part #general"); // none: no room at all
      many.awaitOut("as many");
      none.awaitOut("as none");
      sync(many, "#r5"); // many's ENTERs and PART have been handled
      sync(none, "#r5"); // and none's PART

      Launched talker = lan.client(server.port(), "talker");
      talker.awaitOut("as talker");
      for (String room : List.of("#r1", "#r2", "#r3", "#r4", "#r5", "#x", "#general")) {
        talker.type("/join " + room);
        talker.type("in-" + room.substring(1));
        talker.type("/me acts in " + room.substring(1));
        talker.type("/topic topic of " + room.substring(1));
      }
      talker.type("/nick talker2"); // RENAMED goes to every room the talker is in
      talker.awaitOut(l -> l.contains("now known as talker2"), "the rename");
      talker.endInput();
      assertEquals(0, talker.awaitExit(), talker.transcript());

      for (String room : mine) {
        String r = room.substring(1);
        many.awaitOut(says("talker", "in-" + r), "the talk in " + room);
        many.awaitOut(l -> l.contains("acts in " + r), "the action in " + room);
        many.awaitOut(l -> l.contains("topic of " + r), "the topic of " + room);
      }
      many.awaitOut(l -> l.contains("is now known as talker2"), "the rename in many's rooms");
      sync(many, "#r5"); // #x may be gone: the talker, its only member, has left
      sync(none, "#r5");
      assertTrue(many.stdout().stream().noneMatch(l -> l.contains("in-x")
          || l.contains("acts in x") || l.contains("topic of x") || l.contains("in-general")
          || l.contains("acts in general")),
          "many hears nothing of #x, never joined, nor of #general, left\n" + many.transcript());
      assertTrue(none.stdout().stream().noneMatch(l -> l.contains("talker")),
          "a client in no room hears nothing of anyone in any room\n" + none.transcript());
      for (Launched p : List.of(many, none)) {
        p.endInput();
        assertEquals(0, p.awaitExit(), p.transcript());
      }
    }
  }

  @Test
  void topicWhoRoomsAwayBackAndIgnoreWorkFromAPipedClient() throws Exception {
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      Launched alice = lan.client(server.port(), "alice");
      Launched bob = lan.client(server.port(), "bob");
      Launched carol = lan.client(server.port(), "carol");
      alice.awaitOut("as alice");
      bob.awaitOut("as bob");
      carol.awaitOut("as carol");

      alice.type("/topic Release on Friday");
      bob.awaitOut("Release on Friday");
      int mark = bob.mark();
      bob.type("/topic");
      bob.awaitOutAfter(mark, l -> l.contains("Release on Friday"), "/topic shows the topic");
      mark = bob.mark();
      bob.type("/rooms");
      String listed = bob.awaitOutAfter(mark, l -> l.contains("#general"), "/rooms");
      assertTrue(listed.contains("3") && listed.contains("Release on Friday"),
          "name, member count and topic: " + listed);

      bob.type("/away lunch");
      bob.type("going"); // bob's AWAY was handled before this reached alice
      alice.awaitOut(says("bob", "going"), "bob's line");
      mark = alice.mark();
      alice.type("/who");
      String who = alice.awaitOutAfter(mark, l -> l.contains("here:"), "/who");
      assertTrue(who.contains("lunch"), "an away member is marked: " + who);
      mark = alice.mark();
      alice.type("/msg bob are you there");
      alice.awaitOutAfter(mark, l -> l.contains("bob is away: lunch"), "a DM to someone away");
      bob.awaitOut("are you there");
      bob.type("/back");
      bob.type("back again");
      alice.awaitOut(says("bob", "back again"), "bob's line");
      mark = alice.mark();
      alice.type("/who");
      who = alice.awaitOutAfter(mark, l -> l.contains("here:"), "/who");
      assertFalse(who.contains("lunch"), "back: no longer marked: " + who);

      bob.type("thanks alice");
      String mention = alice.awaitOut(says("bob", "thanks alice"), "a mention");
      assertTrue(mention.chars().noneMatch(c -> c == 0x07 || c == 0x1B),
          "piped: a mention is a plain line, no bell, no highlight: " + mention);

      alice.type("/ignore carol");
      mark = alice.mark();
      alice.type("/ignore");
      alice.awaitOutAfter(mark, l -> l.contains("carol"), "/ignore lists carol");
      carol.type("noise-1");
      bob.awaitOut(says("carol", "noise-1"), "carol's line in the room");
      bob.type("marker-1");
      alice.awaitOut(says("bob", "marker-1"), "bob's line after carol's");
      assertTrue(alice.stdout().stream().noneMatch(l -> l.contains("noise-1")),
          "an ignored line is not shown\n" + alice.transcript());
      alice.type("/unignore carol");
      alice.awaitOut("no longer ignoring carol"); // handled before carol's next line can come
      carol.type("signal-1");
      alice.awaitOut(says("carol", "signal-1"), "carol heard again");
      for (Launched p : List.of(alice, bob, carol)) {
        p.endInput();
        assertEquals(0, p.awaitExit(), p.transcript());
      }
    }
  }

  @Test
  void ignoringIsRememberedPerServerAcrossRuns() throws Exception {
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      Launched first = lan.client(server.port(), "alice");
      first.type("/ignore carol");
      first.endInput();
      assertEquals(0, first.awaitExit(), first.transcript());

      Launched alice = lan.client(server.port(), "alice");
      Launched carol = lan.client(server.port(), "carol");
      alice.awaitOut("as alice");
      int mark = alice.mark();
      alice.type("/ignore");
      alice.awaitOutAfter(mark, l -> l.contains("carol"), "the ignore list, kept");
      carol.awaitOut("as carol");
      carol.type("noise-2");
      carol.type("/me shouts");
      carol.endInput();
      assertEquals(0, carol.awaitExit(), carol.transcript());
      sync(alice, "#general");
      assertTrue(alice.stdout().stream().noneMatch(l -> l.contains("noise-2")
          || l.contains("shouts")), alice.transcript());
      alice.endInput();
      assertEquals(0, alice.awaitExit(), alice.transcript());
    }
  }

  @Test
  void nickMovesTheKeysBindingTheOldNameIsFreeAndTheNewOneIsRefusedToAnotherKey()
      throws Exception {
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      Launched alice = lan.client(server.port(), "alice");
      Launched bob = lan.client(server.port(), "bob");
      alice.awaitOut("as alice");
      bob.awaitOut("as bob");
      bob.type("/nick robert");
      alice.awaitOut(l -> l.endsWith("* bob is now known as robert"), "the rename");
      bob.type("still me");
      alice.awaitOut(says("robert", "still me"), "robert's line");

      Launched mallory = lan.clientNamed(server.port(), "mallory", "robert");
      mallory.endInput();
      assertEquals(4, mallory.awaitExit(), "the new name is bound to bob's key\n"
          + mallory.transcript());
      assertTrue(mallory.transcript().contains("name bound"), mallory.transcript());

      Launched eve = lan.clientNamed(server.port(), "eve", "bob");
      eve.awaitOut("as bob"); // the old name is free for another key
      eve.endInput();
      assertEquals(0, eve.awaitExit(), eve.transcript());

      bob.endInput();
      assertEquals(0, bob.awaitExit(), bob.transcript());
      Launched again = lan.clientNamed(server.port(), "bob", "robert"); // bob's key, new name
      again.awaitOut("as robert");
      again.endInput();
      assertEquals(0, again.awaitExit(), again.transcript());
      alice.endInput();
      assertEquals(0, alice.awaitExit(), alice.transcript());
    }
  }

  @Test
  void theServerSaysWhenAClientReachesItsRoomLimit() throws Exception {
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server("--max-rooms-per-client", "2");
      Launched alice = lan.client(server.port(), "alice");
      alice.awaitOut("as alice");
      alice.type("/join #second"); // #general and #second: the limit
      alice.type("/join #third");
      alice.endInput();
      assertEquals(5, alice.awaitExit(), "a refused line fails the piped run\n"
          + alice.transcript());
      assertTrue(alice.stderr().stream().anyMatch(l -> l.contains("too many rooms")
          && l.contains("/join #third")), alice.transcript());
    }
  }
}
