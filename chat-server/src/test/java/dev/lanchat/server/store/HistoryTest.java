package dev.lanchat.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHash;
import dev.lanchat.common.chain.RoomEvent;
import dev.lanchat.common.rules.RoomNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Room events in the store: ids, exactly-once, context and catch-up reads, retention. */
class HistoryTest {
  /** The tables schema step 3 adds, for tests that rebuild an older store. */
  static final List<String> STEP_3_TABLES =
      List.of("room_head", "room_event", "sent_message", "offline_dm");

  /** The tables schema step 5 adds (it also adds a column to {@code room_head}). */
  static final List<String> STEP_5_TABLES = List.of("e2e_key");

  /** What schema steps 7 and 8 add: two columns to {@code room_event}, one to {@code room_head}. */
  static final List<String> STEPS_7_AND_8_UNDO = List.of(
      "ALTER TABLE room_event DROP COLUMN head",
      "ALTER TABLE room_event DROP COLUMN message_id",
      "ALTER TABLE room_head DROP COLUMN ids_through");

  static final int MESSAGE = 0x21;
  static final int JOINED = 0x22;

  /** A clock that moves only when told. */
  static final class TestClock extends Clock {
    private Instant now = Instant.parse("2026-12-06T01:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @TempDir
  Path dir;

  private final TestClock clock = new TestClock();
  private Store store;

  static ByteString key(int n) {
    byte[] key = new byte[32];
    new Random(n).nextBytes(key);
    return ByteString.copyOf(key);
  }

  /** A stand-in for an encoded event: its text and its id, so a test sees both. */
  static byte[] body(String text, long eventId) {
    return (text + " #" + eventId).getBytes(StandardCharsets.UTF_8);
  }

  @BeforeEach
  void open() throws Exception {
    store = Store.open(dir.resolve("server.db"), clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private StoredEvent say(History history, String room, int sender, long messageId, String text)
      throws StoreException {
    AppendResult r = history.append(RoomEventDraft.ofMember(room, clock.millis(), MESSAGE,
        key(sender), messageId), (id, head) -> body(text, id));
    return assertInstanceOf(AppendResult.Appended.class, r).event();
  }

  private StoredEvent joined(History history, String room, String text) throws StoreException {
    AppendResult r = history.append(RoomEventDraft.ofServer(room, clock.millis(), JOINED),
        (id, head) -> body(text, id));
    return assertInstanceOf(AppendResult.Appended.class, r).event();
  }

  private static List<Long> ids(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::eventId).toList();
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void eachRoomNumbersItsEventsFromOneAndTheEncoderSeesTheId() throws Exception {
    History history = store.history(Retention.defaults());
    assertEquals(1, joined(history, "#general", "alice").eventId());
    assertEquals(2, say(history, "#general", 1, 1, "hello").eventId());
    assertEquals(1, say(history, "#dev", 1, 2, "other room").eventId());
    StoredEvent third = say(history, "#general", 2, 1, "hi");
    assertEquals(3, third.eventId());
    assertArrayEquals(body("hi", 3), third.encoded().toByteArray());
    assertEquals(Optional.of(key(2)), third.sender());
    assertEquals(3, history.lastEventId("#general"));
    assertEquals(1, history.lastEventId("#dev"));
    assertEquals(0, history.lastEventId("#empty"));
  }

  @Test
  void theStoredBytesAreTheBytesAppendReturned() throws Exception {
    History history = store.history(Retention.defaults());
    StoredEvent live = say(history, "#general", 1, 7, "exact");
    StoredEvent replayed = history.recent("#general").get(0);
    assertEquals(live, replayed);
  }

  @Test
  void idsKeepRisingAcrossARestart() throws Exception {
    History history = store.history(Retention.defaults());
    for (int i = 0; i < 5; i++) {
      say(history, "#general", 1, i, "line " + i);
    }
    store.close();
    store = Store.open(dir.resolve("server.db"), clock);
    history = store.history(Retention.defaults());
    assertEquals(range(1, 5), ids(history.recent("#general")));
    assertEquals(6, say(history, "#general", 1, 5, "after").eventId());
  }

  @Test
  void aRepeatFromTheSameKeyIsDroppedAndPointsAtTheOriginal() throws Exception {
    History history = store.history(Retention.defaults());
    say(history, "#general", 1, 42, "once");
    int[] encoded = {0};
    AppendResult again = history.append(RoomEventDraft.ofMember("#general", clock.millis(),
        MESSAGE, key(1), 42), (id, head) -> {
          encoded[0]++;
          return body("once", id);
        });
    assertEquals(new AppendResult.Repeat(Optional.of(new EventRef("#general", 1))), again);
    assertEquals(0, encoded[0], "a repeat is not encoded");
    assertEquals(1, history.lastEventId("#general"), "a repeat takes no id");
    assertEquals(2, say(history, "#general", 2, 42, "same id, other key").eventId());
    assertEquals(range(1, 2), ids(history.recent("#general")));
  }

  @Test
  void appendEachGivesEveryLineItsOwnResultInOrderWithConsecutiveIds() throws Exception {
    History history = store.history(Retention.defaults());
    say(history, "#general", 1, 5, "before");
    List<RoomEventDraft> drafts = List.of(
        RoomEventDraft.ofMember("#general", clock.millis(), MESSAGE, key(1), 6),
        RoomEventDraft.ofMember("#general", clock.millis(), MESSAGE, key(1), 5),
        RoomEventDraft.ofMember("#general", clock.millis(), MESSAGE, key(2), 6),
        RoomEventDraft.ofMember("#general", clock.millis(), MESSAGE, key(2), 6));
    List<String> texts = List.of("a", "repeat of before", "b", "repeat within the call");
    List<EventEncoder> encoders = new ArrayList<>();
    for (String text : texts) {
      encoders.add((id, head) -> body(text, id));
    }
    List<AppendResult> results = history.appendEach(drafts, encoders);
    assertEquals(4, results.size());
    assertEquals(2, assertInstanceOf(AppendResult.Appended.class, results.get(0)).event()
        .eventId());
    assertEquals(new AppendResult.Repeat(Optional.of(new EventRef("#general", 1))),
        results.get(1), "an id taken before the call");
    assertEquals(3, assertInstanceOf(AppendResult.Appended.class, results.get(2)).event()
        .eventId());
    assertEquals(new AppendResult.Repeat(Optional.of(new EventRef("#general", 3))),
        results.get(3), "an id taken earlier in the same call");
    assertEquals(List.of("before #1", "a #2", "b #3"), history.recent("#general").stream()
        .map(e -> new String(e.encoded().toByteArray(), StandardCharsets.UTF_8)).toList());
    assertEquals(history.room("#general").orElseThrow().head(),
        assertInstanceOf(AppendResult.Appended.class, results.get(2)).head(),
        "the head after the call is the last appended line's");
    assertThrows(IllegalArgumentException.class, () -> history.appendEach(List.of(
        RoomEventDraft.ofMember("#general", clock.millis(), MESSAGE, key(1), 7),
        RoomEventDraft.ofMember("#dev", clock.millis(), MESSAGE, key(1), 8)),
        List.of(encoders.get(0), encoders.get(0))), "one room per call");
    assertEquals(3, history.lastEventId("#general"), "a refused call appends nothing");
  }

  @Test
  void aRepeatIsDroppedInAnotherRoomAndAfterARestart() throws Exception {
    History history = store.history(Retention.defaults());
    say(history, "#a", 1, 9, "first");
    store.close();
    store = Store.open(dir.resolve("server.db"), clock);
    history = store.history(Retention.defaults());
    assertInstanceOf(AppendResult.Repeat.class, history.append(
        RoomEventDraft.ofMember("#b", clock.millis(), MESSAGE, key(1), 9), (id, head) -> new byte[1]));
    assertEquals(0, history.lastEventId("#b"));
  }

  /**
   * A second store on the same file, opened while this one still holds ids in memory: what a
   * server restarted after a crash sees (the ids this one holds never reach the table).
   */
  private Store reopenedAfterACrash() throws StoreException {
    return Store.open(dir.resolve("server.db"), clock);
  }

  private AppendResult sayAgain(History history, String room, int sender, long messageId)
      throws StoreException {
    return history.append(RoomEventDraft.ofMember(room, clock.millis(), MESSAGE, key(sender),
        messageId), (id, head) -> body("again", id));
  }

  @Test
  void aLinesIdWhoseRowWaitedIsStillARepeatAfterACrash() throws Exception {
    History history = store.history(Retention.defaults());
    say(history, "#general", 1, 1, "written");
    store.writeWaiting();
    for (long id = 2; id <= 5; id++) {
      say(history, "#general", 1, id, "waiting");
    }
    joined(history, "#general", "no id");
    assertEquals(1, rows("sent_message"), "ids 2 to 5 wait in memory, in their event rows");
    try (Store restarted = reopenedAfterACrash()) {
      assertEquals(5, rows("sent_message"), "the restart wrote them from the event rows");
      History after = restarted.history(Retention.defaults());
      for (long id = 1; id <= 5; id++) {
        assertEquals(new AppendResult.Repeat(Optional.of(new EventRef("#general", id))),
            sayAgain(after, "#general", 1, id), "id " + id);
      }
      assertEquals(7, say(after, "#general", 1, 6, "new").eventId());
    }
  }

  @Test
  void anAdminCommandLeavesWhatACrashLeftForTheServerAndHasNoRooms() throws Exception {
    History history = store.history(Retention.defaults());
    say(history, "#general", 1, 1, "waiting");
    assertEquals(0, rows("sent_message"), "the id waits in memory, in its event row");
    try (Store admin = Store.openForAdmin(dir.resolve("server.db"), false, clock)) {
      assertEquals(0, rows("sent_message"), "an admin command writes nothing of the rooms'");
      assertThrows(IllegalStateException.class, () -> admin.history(Retention.defaults()));
      assertThrows(IllegalStateException.class, () -> admin.offlineDms(Retention.defaults()));
    }
    assertEquals(0, rows("sent_message"));
    reopenedAfterACrash().close(); // the next server's start
    assertEquals(1, rows("sent_message"), "the next server wrote it");
  }

  @Test
  void anIdWaitingInMemoryIsARepeatForDmsAndOtherRoomsToo() throws Exception {
    History history = store.history(Retention.defaults());
    say(history, "#a", 1, 9, "first");
    assertEquals(new AppendResult.Repeat(Optional.of(new EventRef("#a", 1))),
        sayAgain(history, "#b", 1, 9));
    assertEquals(new Claim.Repeat(), store.offlineDms(Retention.defaults()).claim(key(1), 9));
    assertEquals(new DmResult.Repeat(), store.offlineDms(Retention.defaults())
        .deliverLater(key(2), key(1), 9, clock.millis(), new byte[1]));
    assertEquals(0, history.lastEventId("#b"));
  }

  @Test
  void anIdTakenInATransactionThatRolledBackIsNewAgain() throws Exception {
    History history = store.history(Retention.defaults());
    EventEncoder fine = (id, head) -> body("fine", id);
    EventEncoder failing = (id, head) -> {
      throw new IllegalStateException("the encoder fails");
    };
    assertThrows(IllegalStateException.class, () -> history.appendEach(List.of(
        RoomEventDraft.ofMember("#general", clock.millis(), MESSAGE, key(1), 1),
        RoomEventDraft.ofMember("#general", clock.millis(), MESSAGE, key(1), 2)),
        List.of(fine, failing)));
    assertEquals(0, history.lastEventId("#general"), "nothing was appended");
    assertEquals(1, say(history, "#general", 1, 1, "sent again").eventId(),
        "the id of a line that was never appended is not held");
  }

  @Test
  void waitingIdsAreWrittenBeforeTheirEventsArePruned() throws Exception {
    History history = store.history(Retention.of(5, 0));
    for (long id = 1; id <= History.PRUNE_EVERY; id++) {
      say(history, "#general", 1, id, "line");
    }
    assertEquals(5, rows("room_event"), "the 64th event pruned all but the last five");
    try (Store restarted = reopenedAfterACrash()) {
      History after = restarted.history(Retention.of(5, 0));
      for (long id = 1; id <= History.PRUNE_EVERY; id++) {
        assertInstanceOf(AppendResult.Repeat.class, sayAgain(after, "#general", 1, id),
            "id " + id + ", whose event is pruned or not");
      }
    }
  }

  @Test
  void aClosedStoreLeavesNothingWaiting() throws Exception {
    History history = store.history(Retention.defaults());
    say(history, "#general", 1, 1, "line");
    say(history, "#general", 1, 2, "line");
    assertEquals(1, rows("room_head WHERE last_event_id = 1"), "the tip after 2 waits");
    store.close();
    assertEquals(2, rows("sent_message"));
    assertEquals(1, rows("room_head WHERE last_event_id = 2"));
    store = Store.open(dir.resolve("server.db"), clock);
  }

  @Test
  void aRoomsTipThatWaitedIsTakenFromItsLastEventAfterACrash() throws Exception {
    History history = store.history(Retention.defaults());
    say(history, "#general", 1, 1, "first");
    joined(history, "#general", "no id");
    StoredEvent third = say(history, "#general", 1, 3, "third");
    StoredRoom before = history.room("#general").orElseThrow();
    assertEquals(3, before.lastEventId(), "what this store says, its row not yet written");
    try (Store restarted = reopenedAfterACrash()) {
      History after = restarted.history(Retention.defaults());
      assertEquals(before, after.room("#general").orElseThrow(), "the same tip, from the file");
      RoomEventDraft next = RoomEventDraft.ofMember("#general", clock.millis(), MESSAGE, key(1), 4);
      AppendResult.Appended fourth = assertInstanceOf(AppendResult.Appended.class,
          after.append(next, (id, head) -> body("fourth", id)));
      assertEquals(third.eventId() + 1, fourth.event().eventId());
      assertEquals(ChainHash.next(before.head(), next.chainEvent("#general", 4)), fourth.head(),
          "the chain goes on from the third event's head");
    }
  }

  @Test
  void everyReadSaysTheTipThatWaits() throws Exception {
    History history = store.history(Retention.defaults());
    for (long id = 1; id <= 3; id++) {
      say(history, "#general", 1, id, "line");
    }
    assertEquals(3, history.lastEventId("#general"));
    assertEquals(3, history.room("#general").orElseThrow().lastEventId());
    assertEquals(range(1, 3), ids(history.recent("#general")));
    assertEquals(new CatchUp.Events(List.of(), 0), history.after("#general", 3),
        "a member who saw the tip is not ahead of the store");
  }

  @Test
  void theSweepWritesATipThatWaitsBeforeItDeletesTheEventThatSaysIt() throws Exception {
    History history = store.history(Retention.of(100, 1));
    say(history, "#quiet", 1, 1, "old");
    say(history, "#quiet", 1, 2, "old too");
    clock.advance(Duration.ofHours(25));
    history.sweep();
    assertEquals(0, rows("room_event"), "both past the age limit");
    try (Store restarted = reopenedAfterACrash()) {
      assertEquals(3, say(restarted.history(Retention.of(100, 1)), "#quiet", 1, 3, "new")
          .eventId(), "ids go on from the tip the sweep wrote: none is given twice");
    }
  }

  @Test
  void aKeyRemembersAtLeastItsNewest1000MessageIdsAndAtMost63More() throws Exception {
    OfflineDms dms = store.offlineDms(Retention.defaults());
    int total = History.SENT_PER_KEY + 3 * SentMessages.TRIM_EVERY + 5;
    for (long id = 1; id <= total; id++) {
      assertEquals(new Claim.Fresh(), dms.claim(key(1), id));
      long kept = remembered(key(1));
      assertTrue(kept >= Math.min(id, History.SENT_PER_KEY)
          && kept < History.SENT_PER_KEY + SentMessages.TRIM_EVERY, id + " ids: " + kept + " kept");
    }
    for (long id = total - History.SENT_PER_KEY + 1; id <= total; id++) {
      assertEquals(new Claim.Repeat(), dms.claim(key(1), id), "one of the newest 1,000");
    }
    assertEquals(new Claim.Fresh(), dms.claim(key(1), 1), "the oldest id was forgotten");
    assertEquals(0, remembered(key(2)), "another key's ids are its own");
  }

  @Test
  void aKeyOverTheLimitIsTrimmedAtItsFirstIdAfterARestart() throws Exception {
    OfflineDms dms = store.offlineDms(Retention.defaults());
    for (long id = 1; id <= History.SENT_PER_KEY + SentMessages.TRIM_EVERY - 2; id++) {
      dms.claim(key(1), id);
    }
    assertTrue(remembered(key(1)) > History.SENT_PER_KEY, "trimmed only every 64 ids");
    store.close();
    store = Store.open(dir.resolve("server.db"), clock);
    dms = store.offlineDms(Retention.defaults());
    dms.claim(key(1), 1_000_000);
    assertEquals(History.SENT_PER_KEY, remembered(key(1)), "no count survived: trimmed at once");
  }

  private long remembered(ByteString key) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file());
        java.sql.PreparedStatement s =
            c.prepareStatement("SELECT count(*) FROM sent_message WHERE sender = ?")) {
      s.setBytes(1, key.toByteArray());
      try (ResultSet n = s.executeQuery()) {
        return n.getLong(1);
      }
    }
  }

  @Test
  void aNewMemberGetsTheLast20EventsOldestFirst() throws Exception {
    History history = store.history(Retention.defaults());
    for (int i = 0; i < 30; i++) {
      say(history, "#general", 1, i, "line " + i);
    }
    List<StoredEvent> context = history.recent("#general");
    assertEquals(range(11, 30), ids(context));
    assertArrayEquals(body("line 10", 11), context.get(0).encoded().toByteArray());
    assertEquals(List.of(), history.recent("#nothing"));
  }

  @Test
  void aReturningMemberGetsEverythingAfterItsLastEvent() throws Exception {
    History history = store.history(Retention.defaults());
    for (int i = 0; i < 10; i++) {
      say(history, "#general", 1, i, "line " + i);
    }
    assertEquals(new CatchUp.Events(history.recent("#general").subList(6, 10), 0),
        history.after("#general", 6));
    assertEquals(new CatchUp.Events(List.of(), 0), history.after("#general", 10));
    assertEquals(new CatchUp.AheadOfStore(10), history.after("#general", 11));
    assertThrows(IllegalArgumentException.class, () -> history.after("#general", -1));
  }

  @Test
  void catchUpStopsAt1000AndCountsTheEarlierOnesLeftOut() throws Exception {
    History history = store.history(Retention.defaults());
    for (int i = 0; i < History.CATCH_UP_LIMIT + 50; i++) {
      joined(history, "#general", "member " + i);
    }
    CatchUp.Events got = assertInstanceOf(CatchUp.Events.class, history.after("#general", 10));
    assertEquals(range(51, 1050), ids(got.events()), "the newest 1,000, in order");
    assertEquals(40, got.leftOut(), "11 to 50 were left out");
  }

  @Test
  void onlyTheLastNEventsOfARoomAreReadAndEvery64thEventPrunesTheRest() throws Exception {
    History history = store.history(new Retention(5, Optional.empty()));
    for (int i = 1; i <= 63; i++) {
      say(history, "#general", 1, i, "line " + i);
    }
    say(history, "#dev", 2, 100, "another room keeps its own");
    assertEquals(range(59, 63), ids(history.recent("#general")), "reads obey at once");
    assertEquals(new CatchUp.Events(history.recent("#general"), 56), history.after("#general", 2));
    assertEquals(63, rows("room_event WHERE room = '#general'"), "not pruned yet");
    say(history, "#general", 1, 64, "the 64th");
    assertEquals(5, rows("room_event WHERE room = '#general'"), "the 64th event pruned");
    for (int i = 65; i <= 130; i++) {
      say(history, "#general", 1, i, "line " + i);
    }
    assertEquals(range(126, 130), ids(history.recent("#general")));
    assertEquals(new CatchUp.Events(history.recent("#general"), 125), history.after("#general", 0),
        "124 and 125 are still on disk, and not read");
    assertEquals(7, rows("room_event WHERE room = '#general'"),
        "the 128th pruned to 124-128: at most 63 beyond the limit stay on disk");
    assertEquals(1, rows("room_event WHERE room = '#dev'"));
  }

  @Test
  void eventsAndClientMessageIdsOlderThanTheAgeLimitAreNeitherReturnedNorKept()
      throws Exception {
    History history = store.history(Retention.of(100, 1));
    say(history, "#general", 1, 1, "old");
    say(history, "#quiet", 1, 2, "old and alone");
    clock.advance(Duration.ofHours(23));
    say(history, "#general", 1, 3, "newer");
    clock.advance(Duration.ofHours(2));
    assertEquals(List.of(2L), ids(history.recent("#general")), "a day later: the first is gone");
    assertEquals(new CatchUp.Events(history.recent("#general"), 1), history.after("#general", 0));
    say(history, "#general", 1, 4, "newest");
    assertEquals(3, rows("room_event WHERE room = '#general'"), "pruned at the 64th event only");
    assertEquals(List.of(), history.recent("#quiet"));
    String quiet = "room_event WHERE room = '" + RoomNames.skeleton("#quiet") + "'";
    assertEquals(1, rows(quiet), "nobody wrote to #quiet");
    assertEquals(0, rows("sent_message"), "the lines' ids wait, each in its event row");
    store.writeWaiting();
    assertEquals(4, rows("sent_message"));
    assertEquals(4, history.sweep(), "an event of each room, and their senders' ids");
    assertEquals(0, rows(quiet), "the sweep got it");
    assertEquals(2, rows("room_event WHERE room = '#general'"));
    assertEquals(2, rows("sent_message"), "the newer ids are kept");
    assertEquals(0, history.sweep());
    assertInstanceOf(AppendResult.Repeat.class, history.append(RoomEventDraft.ofMember(
        "#general", clock.millis(), MESSAGE, key(1), 3), (id, head) -> body("again", id)));
    assertEquals(4, say(history, "#general", 1, 1, "an id past the age limit is new again")
        .eventId());
  }

  @Test
  void aStoreAtSchemaVersion5DropsTheIndexesNoReadUsesAndKeepsItsRows() throws Exception {
    History history = store.history(Retention.defaults());
    say(history, "#general", 1, 7, "before");
    store.close();
    OlderStore.rewind(store.file(), 5, Stream.concat(STEPS_7_AND_8_UNDO.stream(), Stream.of(
        "CREATE INDEX room_event_at ON room_event (at)",
        "CREATE INDEX sent_message_by_sender ON sent_message (sender)",
        "CREATE INDEX sent_message_at ON sent_message (at)")).toList());
    store = Store.open(store.file(), clock);
    assertEquals(0, rows("sqlite_master WHERE type = 'index' AND name IN ('room_event_at', "
        + "'sent_message_by_sender', 'sent_message_at')"));
    history = store.history(Retention.defaults());
    assertInstanceOf(AppendResult.Repeat.class, history.append(RoomEventDraft.ofMember(
        "#general", clock.millis(), MESSAGE, key(1), 7), (id, head) -> body("again", id)),
        "the ids taken before the step are still known");
    assertEquals(List.of(1L), ids(history.recent("#general")));
  }

  @Test
  void aLoweredHistoryIsSweptInBoundedSteps() throws Exception {
    History wide = store.history(new Retention(3_000, Optional.empty()));
    for (int i = 0; i < 2_500; i++) {
      joined(wide, "#general", "member " + i);
    }
    History narrow = store.history(new Retention(10, Optional.empty()));
    assertEquals(range(2_491, 2_500), ids(narrow.recent("#general")), "reads obey at once");
    for (int i = 2_500; i < 2_560; i++) {
      joined(narrow, "#general", "one more");
    }
    assertEquals(2_560 - 64, rows("room_event"), "the 2,560th event pruned 64, no more");
    List<Integer> steps = new ArrayList<>();
    for (int step = narrow.sweep(); step > 0; step = narrow.sweep()) {
      steps.add(step);
    }
    assertEquals(List.of(1_000, 1_000, 486), steps);
    assertEquals(10, rows("room_event"));
  }

  @Test
  void withHistoryZeroEventsGetIdsButNoneIsStored() throws Exception {
    History history = store.history(new Retention(0, Optional.empty()));
    for (int i = 0; i < 3; i++) {
      assertEquals(i + 1, say(history, "#general", 1, i, "secret " + i).eventId());
    }
    assertEquals(List.of(), history.recent("#general"));
    assertEquals(new CatchUp.Events(List.of(), 2), history.after("#general", 1));
    assertEquals(0, rows("room_event"));
    assertInstanceOf(AppendResult.Repeat.class, history.append(
        RoomEventDraft.ofMember("#general", 0, MESSAGE, key(1), 0), (id, head) -> new byte[1]),
        "exactly-once works without text");
  }

  @Test
  void switchingToHistoryZeroSweepsAwayWhatWasKept() throws Exception {
    History before = store.history(Retention.defaults());
    for (int i = 0; i < 5; i++) {
      say(before, "#general", 1, i, "kept " + i);
    }
    History none = store.history(new Retention(0, Optional.empty()));
    assertEquals(List.of(), none.recent("#general"));
    assertEquals(5, none.sweep());
    assertEquals(0, rows("room_event"));
  }

  @Test
  void aStoreAtSchemaVersion2GainsTheHistoryTables() throws Exception {
    store.close();
    Path old = dir.resolve("old.db");
    Store.open(old, clock).close();
    OlderStore.rewind(old, 2, Stream.concat(OlderStore.drop(STEP_3_TABLES),
        OlderStore.drop(STEP_5_TABLES)).toList());
    store = Store.open(old, clock);
    assertEquals(1, say(store.history(Retention.defaults()), "#general", 1, 1, "hi").eventId());
  }

  @Test
  void eachEventExtendsTheRoomChainFromItsGenesisAcrossARestart() throws Exception {
    History history = store.history(Retention.defaults());
    ByteString payload = ByteString.copyOf("payload".getBytes(StandardCharsets.UTF_8));
    ByteString[] seen = new ByteString[1];
    AppendResult.Appended first = assertInstanceOf(AppendResult.Appended.class, history.append(
        RoomEventDraft.ofMember("#Dev", 1_000, MESSAGE, key(1), 1, payload), (id, head) -> {
          seen[0] = head;
          return body("first", id);
        }));
    ByteString expected = ChainHash.next(ChainHash.genesis("#Dev").head(),
        new RoomEvent(key(1), "#Dev", 1, 1_000, MESSAGE, payload));
    assertEquals(expected, first.head());
    assertEquals(expected, seen[0], "the encoder is given the head it returns");
    store.close();
    store = Store.open(dir.resolve("server.db"), clock);
    history = store.history(new Retention(0, Optional.empty()));
    AppendResult.Appended second = assertInstanceOf(AppendResult.Appended.class, history.append(
        RoomEventDraft.about("#Dev", 2_000, JOINED, key(2), payload), (id, head) -> new byte[1]));
    assertEquals(ChainHash.next(expected, new RoomEvent(key(2), "#Dev", 2, 2_000, JOINED,
        payload)), second.head(), "the head continues after a restart, with --history 0 too");
    assertEquals(Optional.of(new StoredRoom("#Dev", 2, second.head(), "")),
        history.room("#dev"), "a look-alike spelling finds the room as first spelled");
    assertEquals(Optional.empty(), history.room("#other"));
  }

  @Test
  void theRoomKeepsTheSpellingThatCreatedIt() throws Exception {
    History history = store.history(Retention.defaults());
    joined(history, "#Dev", "alice");
    assertThrows(IllegalStateException.class, () -> joined(history, "#dev", "bob"),
        "a room is written under one spelling only");
    assertEquals(1, history.lastEventId("#dev"), "the refused event took no id");
    assertEquals("#Dev", history.room("#DEV").orElseThrow().name());
  }

  @Test
  void aTopicIsKeptWithItsEventButNotWithHistoryZero() throws Exception {
    History history = store.history(Retention.defaults());
    history.appendTopic(RoomEventDraft.about("#general", 1, 0x34, key(1),
        ByteString.copyOf(new byte[0])), (id, head) -> body("topic", id), "lunch at noon");
    assertEquals("lunch at noon", history.room("#general").orElseThrow().topic());
    History none = store.history(new Retention(0, Optional.empty()));
    none.appendTopic(RoomEventDraft.about("#general", 2, 0x34, key(1),
        ByteString.copyOf(new byte[0])), (id, head) -> body("topic", id), "secret plans");
    assertEquals("lunch at noon", none.room("#general").orElseThrow().topic(),
        "with --history 0 the new topic is not written");
  }

  @Test
  void aStoreAtSchemaVersion3GainsHeadsAndItsRoomsStartAChain() throws Exception {
    History history = store.history(Retention.defaults());
    say(history, "#general", 1, 1, "before heads");
    store.close();
    OlderStore.rewind(store.file(), 3, Stream.of(STEPS_7_AND_8_UNDO.stream(), Stream.of(
        "ALTER TABLE room_head DROP COLUMN head", "ALTER TABLE room_head DROP COLUMN name",
        "ALTER TABLE room_head DROP COLUMN topic", "ALTER TABLE room_head DROP COLUMN end_to_end"),
        OlderStore.drop(STEP_5_TABLES)).flatMap(s -> s).toList());
    store = Store.open(store.file(), clock);
    history = store.history(Retention.defaults());
    assertEquals(new StoredRoom("#general", 1, ChainHash.genesis("#general").head(), ""),
        history.room("#general").orElseThrow(), "no head yet: the chain starts at genesis");
    assertEquals(2, say(history, "#general", 1, 2, "after").eventId());
  }

  private int rows(String tableAndWhere) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file());
        Statement s = c.createStatement();
        ResultSet n = s.executeQuery("SELECT count(*) FROM " + tableAndWhere)) {
      return n.getInt(1);
    }
  }
}
