package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.message.DmStatus;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.RoomSummary;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFormatTest {
  private static final long T = FakeServer.T1201;
  private static final EventFormat PLAIN = new EventFormat(ZoneOffset.UTC, false);
  private static final EventFormat.Seen CURRENT = new EventFormat.Seen("", "alice", null);
  private static final EventFormat.Seen DEV = new EventFormat.Seen("#dev ", "alice", null);

  private static String line(ServerMessage.Event event, EventFormat.Seen seen) {
    return PLAIN.event(event, seen).line();
  }

  @Test
  void withoutColourLinesCarryNoEscapeCodes() {
    assertEquals("12:01 <bob> hi", line(FakeServer.chat(T, "bob", "hi"), CURRENT));
    assertEquals("! error 77: odd", PLAIN.error(new ServerMessage.Error(77, "odd")));
  }

  @Test
  void anotherRoomsEventCarriesTheRoomAfterTheTime() {
    ServerMessage.Chat chat = new ServerMessage.Chat(FakeServer.header("#dev", T, "bob"), "bob",
        "hello");
    assertEquals("12:01 #dev <bob> hello", line(chat, DEV));
    assertEquals("12:01 <bob> hello", line(chat, CURRENT));
    ServerMessage.Action waves = new ServerMessage.Action(FakeServer.header("#dev", T, "bob"),
        "bob", "waves");
    assertEquals("12:01 #dev * bob waves", line(waves, DEV));
    assertEquals("12:01 * bob waves", line(waves, CURRENT));
  }

  @Test
  void renamesTopicsAndOurOwnJoinsReadAsSentences() {
    assertEquals("12:01 * alice is now known as al", line(new ServerMessage.Renamed(
        FakeServer.header("#general", T, "al"), "alice", "al"), new EventFormat.Seen("", "bob",
        null)));
    assertEquals("12:01 * you are now known as al", line(new ServerMessage.Renamed(
        FakeServer.header("#general", T, "al"), "alice", "al"), new EventFormat.Seen("", "al",
        null)));
    assertEquals("12:01 * bob set the topic: release on friday", line(new ServerMessage.Topic(
        FakeServer.header("#general", T, "bob"), "bob", "release on friday"), CURRENT));
    assertEquals("12:01 #dev * bob cleared the topic", line(new ServerMessage.Topic(
        FakeServer.header("#dev", T, "bob"), "bob", ""), DEV));
    assertEquals("12:01 * you entered #general", line(FakeServer.joined(T, "alice"), CURRENT));
    assertEquals("12:01 * carol joined", line(FakeServer.joined(T, "carol"), CURRENT));
    assertEquals("12:01 * bob parted: lunch", line(FakeServer.left(T, "bob", "parted", "lunch"),
        CURRENT));
  }

  @Test
  void aTextOfSeveralLinesContinuesOnMarkedLinesWhenPiped() {
    EventFormat.Shown shown = PLAIN.event(FakeServer.chat(T, "bob", "one\ntwo\u001B[2J\n"),
        CURRENT);
    assertEquals("12:01 <bob> ", shown.head());
    assertEquals(List.of("one", "two\\x1B[2J", ""), shown.lines());
    assertEquals("12:01 <bob> one\n  | two\\x1B[2J\n  | ", shown.line());
  }

  @Test
  void aMentionIsHighlightedOnlyWithEmphasis() {
    EventFormat terminal = new EventFormat(ZoneOffset.UTC, 0, true);
    EventFormat.Seen mentioned = new EventFormat.Seen("", "alice", new Mentions("alice"));
    assertEquals("12:01 <bob> hi \u001B[7mAlice\u001B[27m!", terminal.event(
        FakeServer.chat(T, "bob", "hi Alice!"), mentioned).line());
    assertEquals("12:01 <bob> hi Alice!", PLAIN.event(FakeServer.chat(T, "bob", "hi Alice!"),
        mentioned).line());
  }

  @Test
  void aDmSaysWhenItWasKeptReachedSomeoneAwayOrComesFromStorage() {
    assertEquals("12:01 [alice -> bob] psst (bob is offline: kept until they connect)",
        PLAIN.dm(new ServerMessage.Dm(T, "alice", "bob", "psst", DmStatus.STORED, ""), null)
            .line());
    assertEquals("12:01 [alice -> bob] psst (bob is away: lunch)",
        PLAIN.dm(new ServerMessage.Dm(T, "alice", "bob", "psst", DmStatus.AWAY, "lunch"), null)
            .line());
    assertEquals("2026-11-25 12:01 [bob -> alice] psst (sent while you were offline)",
        PLAIN.dm(new ServerMessage.Dm(T, "bob", "alice", "psst", DmStatus.FROM_STORAGE, ""),
            null).line());
  }

  @Test
  void aFewCoalescedChangesAreNamedOnOneLineAndManyAreCounted() {
    ByteString key = FakeServer.member("bob").key();
    assertEquals("12:01 #dev * dave joined; bob left (connection lost): b\\x1Bye",
        PLAIN.changes(changed(List.of(
            new MemberChange.Joined(FakeServer.member("dave")),
            new MemberChange.Left(key, "bob", "connection lost", "b\u001bye"))), DEV).line());
    List<MemberChange> storm = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      storm.add(new MemberChange.Joined(FakeServer.member("u" + i)));
    }
    storm.add(new MemberChange.Left(key, "bob", "", ""));
    assertEquals("12:01 * +40 joined, -1 left (/who lists everyone)",
        PLAIN.changes(changed(storm), CURRENT).line());
  }

  private static ServerMessage.MembersChanged changed(List<MemberChange> changes) {
    return new ServerMessage.MembersChanged("#dev", 1, ByteString.copyOf(new byte[32]), T,
        changes);
  }

  @Test
  void timestampsUseTheGivenZone() {
    EventFormat paris = new EventFormat(ZoneOffset.ofHours(1), false);
    assertEquals("13:01 * bob joined", paris.event(FakeServer.joined(T, "bob"), CURRENT).line());
  }

  @Test
  void noticesListRoomsRostersWithAwayTextsAndEntering() {
    NoticeFormat notices = new NoticeFormat(PLAIN);
    assertEquals(List.of("* 2 rooms:", "*   #dev: 3 members; topic: release", "*   #x: 1 member"),
        notices.rooms(new ServerMessage.RoomList(List.of(new RoomSummary("#dev", 3, "release"),
            new RoomSummary("#x", 1, "")))));
    assertEquals("* here: alice, bob (away: lunch)", notices.roster("here", List.of(
        new RosterEntry(FakeServer.member("alice")),
        new RosterEntry(FakeServer.member("bob"), "lunch")), 2));
    assertEquals(List.of("* #dev: 3 members; topic: t",
        "* 7 earlier events of #dev were not sent (only the newest are kept for a catch-up)"),
        notices.entered(new ServerMessage.Entered("#dev", "t", 3, 20, 7)));
  }

  @Test
  void aNameKeepsOneColourWhateverItsCase() {
    NameColors colors = new NameColors(8);
    String alice = colors.paint("alice");
    assertTrue(alice.startsWith("\u001B[1;3") && alice.endsWith("alice\u001B[0m"), alice);
    assertEquals(alice.substring(0, 7), colors.paint("ALICE").substring(0, 7));
    assertEquals(alice, new NameColors(8).paint("alice"));
  }
}
