package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the user sees of several rooms, driven event by event. */
class RoomViewTest {
  private static final long T = FakeServer.T1201;

  @TempDir
  Path dir;

  private final RecordingConsole piped = new RecordingConsole(false);

  private RoomView view(RecordingConsole console, boolean bell) {
    RoomView view = new RoomView(console, new EventFormat(ZoneOffset.UTC, false), bell);
    view.welcomed("127.0.0.1:5000", new ServerMessage.Welcome("alice", "", "", 0, 0, 20));
    return view;
  }

  private static void enter(RoomView view, String room, long history, String... members) {
    view.rooms().entering(room);
    view.received(new ServerMessage.Entered(room, "", members.length + 1, history, 0));
    List<RosterEntry> entries = new java.util.ArrayList<>();
    for (String member : members) {
      entries.add(new RosterEntry(FakeServer.member(member)));
    }
    entries.add(new RosterEntry(FakeServer.member("alice")));
    view.received(new ServerMessage.Roster(room, false, entries));
  }

  private static ServerMessage.Chat chat(String room, String from, String text) {
    return new ServerMessage.Chat(FakeServer.header(room, T, from), from, text);
  }

  @Test
  void theCurrentRoomsLinesCarryNoRoomAndOtherRoomsLinesCarryTheirName() {
    RoomView view = view(piped, true);
    enter(view, "#general", 0, "bob");
    enter(view, "#dev", 0, "carol");
    assertEquals(Optional.of("#dev"), view.rooms().current(), "the room entered last is current");
    piped.clear();
    view.received(chat("#dev", "carol", "in dev"));
    view.received(chat("#general", "bob", "in general"));
    assertTrue(view.rooms().switchTo("#GENERAL"), "rooms are matched by skeleton");
    view.received(chat("#dev", "carol", "in dev again"));
    assertEquals(List.of("12:01 <carol> in dev", "12:01 #general <bob> in general",
        "12:01 #dev <carol> in dev again"), piped.events());
  }

  @Test
  void historyIsMarkedWhenPipedAndItsLinesAreNotAnswers() {
    RoomView view = view(piped, true);
    view.rooms().entering("#dev");
    assertTrue(view.received(new ServerMessage.Entered("#dev", "", 2, 2, 0)));
    assertFalse(view.received(new ServerMessage.Roster("#dev", false,
        List.of(new RosterEntry(FakeServer.member("alice"))))), "the roster of entering");
    assertFalse(view.received(chat("#dev", "alice", "an old line of mine")));
    assertFalse(view.received(chat("#dev", "bob", "older")));
    assertTrue(view.received(chat("#dev", "bob", "live")));
    assertEquals(List.of("[history] 12:01 <alice> an old line of mine",
        "[history] 12:01 <bob> older", "12:01 <bob> live"),
        piped.events().subList(piped.events().size() - 3, piped.events().size()));
  }

  @Test
  void historyAtATerminalComesUnderASeparatorLine() {
    RecordingConsole terminal = new RecordingConsole(true);
    RoomView view = view(terminal, true);
    enter(view, "#dev", 1);
    view.received(chat("#dev", "bob", "older"));
    view.received(chat("#dev", "bob", "live"));
    List<String> events = terminal.events();
    assertEquals(List.of("-- history of #dev --", "12:01 <bob> older", "12:01 <bob> live"),
        events.subList(events.size() - 3, events.size()));
  }

  @Test
  void aMentionRingsTheBellUnlessTheBellIsOffAndHistoryNeverRings() {
    RecordingConsole terminal = new RecordingConsole(true);
    RoomView view = view(terminal, true);
    enter(view, "#dev", 1);
    view.received(chat("#dev", "bob", "alice: an old mention"));
    assertEquals(0, terminal.bells());
    view.received(chat("#dev", "bob", "thanks Alice."));
    view.received(new ServerMessage.Action(FakeServer.header("#dev", T, "bob"), "bob",
        "waves at alice"));
    view.received(chat("#dev", "alice", "alice talks about alice"));
    assertEquals(2, terminal.bells(), "a mention and an action, not our own line");

    RecordingConsole quiet = new RecordingConsole(true);
    RoomView noBell = view(quiet, false);
    enter(noBell, "#dev", 0);
    noBell.received(chat("#dev", "bob", "alice?"));
    noBell.received(FakeServer.dm(T, "bob", "alice", "psst"));
    assertEquals(0, quiet.bells(), "--no-bell");
  }

  @Test
  void anIgnoredNamesLinesAreNotShownAndTheIgnoreFollowsARename() throws Exception {
    RoomView view = view(piped, true);
    IgnoreList.Server list = IgnoreList.load(dir.resolve("ignored")).forServer(new byte[32]);
    view.attention().ignoring(list);
    list.ignore("bob");
    enter(view, "#general", 0, "bob");
    piped.clear();
    view.received(chat("#general", "bob", "spam"));
    view.received(FakeServer.dm(T, "bob", "alice", "spam"));
    view.received(new ServerMessage.Renamed(FakeServer.header("#general", T, "bobby"), "bob",
        "bobby"));
    view.received(chat("#general", "bobby", "more spam"));
    view.received(chat("#general", "carol", "hi"));
    assertEquals(List.of("12:01 * bob is now known as bobby", "12:01 <carol> hi"),
        piped.events());
    assertTrue(list.isIgnored("bobby"));
  }

  @Test
  void aRenameSeenInEveryRoomWeShareIsShownOnce() {
    RoomView view = view(piped, true);
    enter(view, "#a", 0, "bob");
    enter(view, "#b", 0, "bob");
    piped.clear();
    view.received(new ServerMessage.Renamed(FakeServer.header("#a", T, "al"), "bob", "rob"));
    view.received(new ServerMessage.Renamed(FakeServer.header("#b", T, "al"), "bob", "rob"));
    assertEquals(List.of("12:01 #a * bob is now known as rob"), piped.events());
    assertTrue(view.rooms().names().contains("rob"));
  }

  @Test
  void ourOwnRenameChangesWhoWeAreForMentions() {
    RecordingConsole terminal = new RecordingConsole(true);
    RoomView view = view(terminal, true);
    enter(view, "#general", 0);
    view.received(new ServerMessage.Renamed(FakeServer.header("#general", T, "al"), "alice",
        "al"));
    assertEquals("al", view.attention().me());
    view.received(chat("#general", "bob", "al: lunch?"));
    assertEquals(1, terminal.bells());
  }

  @Test
  void aRosterOverSeveralPagesIsShownOnceWithAwayTexts() {
    RoomView view = view(piped, true);
    enter(view, "#general", 0);
    piped.clear();
    assertFalse(view.received(new ServerMessage.Roster("#general", true,
        List.of(new RosterEntry(FakeServer.member("alice"))))));
    assertTrue(view.received(new ServerMessage.Roster("#general", false,
        List.of(new RosterEntry(FakeServer.member("bob"), "lunch")))));
    assertEquals(List.of("* here: alice, bob (away: lunch)"), piped.events());
    assertEquals(Optional.of("lunch"), view.rooms().awayOf("BOB"));
  }

  @Test
  void leavingTheCurrentRoomMakesTheRoomEnteredBeforeItCurrent() {
    RoomView view = view(piped, true);
    enter(view, "#a", 0);
    enter(view, "#b", 0);
    view.received(new ServerMessage.Left(FakeServer.header("#b", T, "alice"), "alice", "parted",
        ""));
    assertEquals(Optional.of("#a"), view.rooms().current());
    assertFalse(view.rooms().isIn("#b"));
  }

  @Test
  void anEnterIsSettledOnceItsRosterAndHistoryAreIn() throws Exception {
    RoomView view = view(piped, true);
    view.entering("#general");
    view.received(new ServerMessage.Entered("#general", "", 1, 1, 0));
    view.received(new ServerMessage.Roster("#general", false, List.of()));
    java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
    Thread waiter = new Thread(() -> {
      try {
        view.awaitEntered(over::get);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    waiter.start();
    view.received(chat("#general", "bob", "the one history event"));
    waiter.join(10_000);
    assertFalse(waiter.isAlive(), "settled by the last history event");
    assertFalse(over.get());
  }
}
