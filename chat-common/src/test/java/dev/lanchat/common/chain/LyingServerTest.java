package dev.lanchat.common.chain;

import static dev.lanchat.common.chain.Events.identity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.Events.Delivery;
import dev.lanchat.common.chain.FakeChainServer.By;
import dev.lanchat.common.chain.FakeChainServer.Detection;
import dev.lanchat.common.chain.FakeChainServer.View;
import dev.lanchat.common.crypto.Identity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each lie of issue 18, told by a test-double server to one member (carol) while two others
 * (alice and bob) see the truth, is caught: by carol's own chain when the server leaves the ids
 * and heads of the true history in place (a naive liar), or by the comparison of signed heads
 * when it renumbers and re-hashes carol's history so that it is consistent in itself (a careful
 * liar). Each test says which caught it and how many events after the lie.
 *
 * <p>The room: alice, bob and carol join (events 1–3), then nine messages (4–12). The lie is
 * at event 6. One event per member every 20 s; members sign at most once a minute, so a careful
 * lie shows within one signing interval, three events.
 */
class LyingServerTest {
  private static final String ROOM = "#dev";
  private static final Identity ALICE = identity(0x05);
  private static final Identity BOB = identity(0x07);
  private static final Identity CAROL = identity(0x09);
  private static final Identity MALLORY = identity(0x0B);
  /** Index of the lie in the list of events: event id 6. */
  private static final int AT = 5;
  /** A careful lie is caught within one signing interval: 60 s of 20 s steps. */
  private static final int SIGNING_INTERVAL_EVENTS = 3;

  private static final List<RoomEvent> TRUTH = truth();

  private static List<RoomEvent> truth() {
    List<RoomEvent> events = new ArrayList<>();
    events.add(joined(ALICE, "alice", 1));
    events.add(joined(BOB, "bob", 2));
    events.add(joined(CAROL, "carol", 3));
    Identity[] speakers = {ALICE, BOB, CAROL};
    for (int id = 4; id <= 12; id++) {
      events.add(Events.say(speakers[id % 3], ROOM, id, "line " + id));
    }
    return List.copyOf(events);
  }

  private static RoomEvent joined(Identity who, String name, long id) {
    return new RoomEvent(Events.key(who), ROOM, id, Events.T0 + id * 1000, Events.JOINED,
        Events.text(name));
  }

  /** What the server shows carol at event 6 instead of the truth. */
  private static RoomEvent altered(long id) {
    return Events.say(ALICE, ROOM, id, "the meeting is cancelled");
  }

  private static FakeChainServer server(View carol) {
    return new FakeChainServer(ROOM, TRUTH)
        .member("alice", ALICE, View.honest())
        .member("bob", BOB, View.honest())
        .member("carol", CAROL, carol);
  }

  /** The index of the first delivery in carol's view that is not the truth's. */
  private static int firstDifference(View carol) {
    List<Delivery> honest = View.honest().deliveries(TRUTH);
    List<Delivery> lied = carol.deliveries(TRUTH);
    for (int i = 0; i < Math.min(honest.size(), lied.size()); i++) {
      if (!honest.get(i).equals(lied.get(i))) {
        return i;
      }
    }
    return Math.min(honest.size(), lied.size());
  }

  /**
   * Runs the room with {@code carol} as carol's view, asserts the lie is caught by {@code
   * expected} within {@code within} events, that every warning involves carol, and that a
   * careful lie slips past the chain alone; returns the first warning.
   */
  private static Detection assertCaught(String lie, View carol, By expected, int within) {
    List<Detection> detections = server(carol).run();
    assertFalse(detections.isEmpty(), lie + ": nothing caught it");
    Detection first = detections.getFirst();
    int lieAt = firstDifference(carol);
    int after = first.step() - lieAt;
    System.out.printf("%s: caught by %s %d event(s) after the lie (carol's event %d), seen by"
        + " %s: %s%n", lie, first.by(), after, lieAt + 1, first.member(), first.what());
    assertEquals(expected, first.by(), lie + ": caught by " + first);
    assertTrue(after >= 0 && after <= within, lie + ": caught " + after + " events late");
    for (Detection d : detections) {
      assertTrue(d.member().equals("carol") || String.valueOf(d.what()).startsWith("carol:"),
          lie + ": a warning between two honest members: " + d);
    }
    if (expected == By.SIGNED_HEADS) {
      assertTrue(detections.stream().noneMatch(d -> d.by() == By.CHAIN),
          lie + ": a careful liar keeps carol's chain consistent in itself");
    }
    return first;
  }

  private static <T> List<T> dropAt(List<T> list) {
    list.remove(AT);
    return list;
  }

  private static <T> List<T> swapAt(List<T> list) {
    Collections.swap(list, AT, AT + 1);
    return list;
  }

  // --- no lie: the control, so the tests above can fail ---

  @Test
  void anHonestServerRaisesNoWarningAndEveryoneEndsAtOneHead() {
    FakeChainServer server = server(View.honest());
    assertEquals(List.of(), server.run());
    ChainHead alice = server.head("alice");
    assertEquals(12, alice.id());
    assertEquals(alice, server.head("bob"));
    assertEquals(alice, server.head("carol"));
  }

  // --- it drops an event for one member only ---

  @Test
  void droppingAnEventForOneMemberIsAGapInHerChain() {
    Detection d = assertCaught("drop (ids kept)", View.naive(LyingServerTest::dropAt),
        By.CHAIN, 0);
    ChainOutcome.Gap gap = (ChainOutcome.Gap) d.what();
    assertEquals(6, gap.expected());
    assertEquals(7, gap.got());
  }

  @Test
  void droppingAnEventAndRenumberingIsCaughtBySignedHeads() {
    assertCaught("drop (renumbered)", View.careful(LyingServerTest::dropAt),
        By.SIGNED_HEADS, SIGNING_INTERVAL_EVENTS);
  }

  // --- it reorders two events for one member ---

  @Test
  void reorderingTwoEventsForOneMemberIsAGapInHerChain() {
    Detection d = assertCaught("reorder (ids kept)", View.naive(LyingServerTest::swapAt),
        By.CHAIN, 0);
    assertEquals(new ChainOutcome.Gap(ROOM, 6, 7, new ChainHead(ROOM, 7,
        View.honest().deliveries(TRUTH).get(AT + 1).head())), d.what());
  }

  @Test
  void reorderingAndRenumberingIsCaughtBySignedHeads() {
    assertCaught("reorder (renumbered)", View.careful(LyingServerTest::swapAt),
        By.SIGNED_HEADS, SIGNING_INTERVAL_EVENTS);
  }

  // --- it shows one member a different history ---

  @Test
  void aDifferentEventUnderTheTrueHeadIsAMismatchInHerChain() {
    Detection d = assertCaught("different history (heads kept)", View.naive(list -> {
      list.set(AT, new Delivery(altered(AT + 1), list.get(AT).head()));
      return list;
    }), By.CHAIN, 0);
    assertEquals(6, ((ChainOutcome.Mismatch) d.what()).id());
  }

  @Test
  void aDifferentHistoryChainedAfreshIsCaughtBySignedHeads() {
    assertCaught("different history (re-hashed)", View.careful(list -> {
      list.set(AT, altered(AT + 1));
      return list;
    }), By.SIGNED_HEADS, SIGNING_INTERVAL_EVENTS);
  }

  // --- it adds a member silently: carol is told mallory joined, alice and bob are not ---

  @Test
  void aMemberAddedForOneMemberOnlyIsAMismatchInHerChain() {
    Detection d = assertCaught("member added (ids kept)", View.naive(list -> {
      list.add(AT, new Delivery(joined(MALLORY, "mallory", AT + 1), list.get(AT).head()));
      return list;
    }), By.CHAIN, 0);
    assertEquals(6, ((ChainOutcome.Mismatch) d.what()).id());
  }

  @Test
  void aMemberAddedAndRenumberedIsCaughtBySignedHeads() {
    assertCaught("member added (renumbered)", View.careful(list -> {
      list.add(AT, joined(MALLORY, "mallory", AT + 1));
      return list;
    }), By.SIGNED_HEADS, SIGNING_INTERVAL_EVENTS);
  }

  // --- what the server can and cannot do to signed heads ---

  @Test
  void aSignedHeadTheServerChangedFailsItsSignature() {
    List<Detection> detections = server(View.honest()).forgeSignedHeads().run();
    assertFalse(detections.isEmpty());
    for (Detection d : detections) {
      assertEquals(By.SIGNED_HEADS, d.by());
      assertTrue(String.valueOf(d.what()).contains("BadSignature"), d.toString());
    }
  }

  @Test
  void aCarefulLiarWhoWithholdsSignedHeadsIsLeftToTheWordsReadOutLoud() {
    FakeChainServer server = server(View.careful(list -> {
      list.set(AT, altered(AT + 1));
      return list;
    })).withholdSignedHeads();
    assertEquals(List.of(), server.run(), "withheld heads cannot warn anyone");
    ChainHead alice = server.head("alice");
    ChainHead carol = server.head("carol");
    assertEquals(alice.id(), carol.id());
    assertNotEquals(alice.head(), carol.head());
    VerifyCode aliceCode = VerifyCode.of(alice);
    VerifyCode carolCode = VerifyCode.of(carol);
    System.out.println("alice reads: " + aliceCode.line());
    System.out.println("carol reads: " + carolCode.line());
    assertNotEquals(aliceCode.words(), carolCode.words());
    assertEquals(VerifyCode.of(server.head("bob")).words(), aliceCode.words());
  }

  @Test
  void theTruthIsWhatTheTestSays() {
    // guards the scenario itself: event 6 is a message, ids are 1..12, one room
    assertEquals(12, TRUTH.size());
    for (int i = 0; i < TRUTH.size(); i++) {
      assertEquals(i + 1, TRUTH.get(i).id());
    }
    assertEquals(Events.MESSAGE, TRUTH.get(AT).type());
    assertFalse(TRUTH.get(AT).payload().equals(altered(AT + 1).payload()));
    assertNotEquals(ByteString.copyOf(new byte[32]), Events.key(MALLORY));
  }
}
