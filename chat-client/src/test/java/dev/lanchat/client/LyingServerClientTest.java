package dev.lanchat.client;

import static dev.lanchat.client.LyingRoomServer.identity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.client.LyingRoomServer.By;
import dev.lanchat.client.LyingRoomServer.Spec;
import dev.lanchat.client.LyingRoomServer.View;
import dev.lanchat.client.LyingRoomServer.Warning;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ServerMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four lies of issue 18, told by a test-double server at the message layer to one member
 * (carol) while alice and bob see the truth, are each caught by the client's own code ({@link
 * ChainWatch}: the chain it keeps from the exact messages, and the SIGNED_HEADs the members
 * exchange through the server). A naive liar, who keeps the true ids and heads, breaks carol's
 * chain at once; a careful liar, who numbers and chains carol's history afresh, is caught by the
 * signed heads within one signing interval. Each test prints which check caught it and how many
 * events after the lie.
 *
 * <p>The room: alice, bob and carol join (events 1–3), then nine messages (4–12); the lie is at
 * event 6; one event every 20 s, so a member signs about every third event.
 */
class LyingServerClientTest {
  private static final Identity ALICE = identity(0x15);
  private static final Identity BOB = identity(0x17);
  private static final Identity CAROL = identity(0x19);
  private static final Identity MALLORY = identity(0x1B);
  /** Index of the lie among the events: event id 6. */
  private static final int AT = 5;
  /** A careful lie is caught within one signing interval: 60 s of 20 s steps. */
  private static final int SIGNING_INTERVAL_EVENTS = 3;
  private static final List<Spec> TRUTH = truth();

  @TempDir
  Path home;

  private static List<Spec> truth() {
    List<Spec> events = new ArrayList<>(List.of(Spec.joined(ALICE, "alice"),
        Spec.joined(BOB, "bob"), Spec.joined(CAROL, "carol")));
    Identity[] speakers = {ALICE, BOB, CAROL};
    String[] names = {"alice", "bob", "carol"};
    for (int id = 4; id <= 12; id++) {
      events.add(Spec.says(speakers[id % 3], names[id % 3], "line " + id));
    }
    return List.copyOf(events);
  }

  private static Spec altered() {
    return Spec.says(ALICE, "alice", "the meeting is cancelled");
  }

  private LyingRoomServer server(View carol) throws Exception {
    return new LyingRoomServer(TRUTH, home.resolve("known_peers"))
        .member("alice", ALICE, View.honest())
        .member("bob", BOB, View.honest())
        .member("carol", CAROL, carol);
  }

  /** The index of the first event carol gets that is not the truth's. */
  private static int firstDifference(View carol) {
    List<ServerMessage.Event> honest = View.honest().events(TRUTH);
    List<ServerMessage.Event> lied = carol.events(TRUTH);
    for (int i = 0; i < Math.min(honest.size(), lied.size()); i++) {
      if (!honest.get(i).equals(lied.get(i))) {
        return i;
      }
    }
    return Math.min(honest.size(), lied.size());
  }

  /**
   * Runs the room, asserts the lie is caught by {@code expected} within {@code within} events
   * and that every warning involves carol; returns the first warning.
   */
  private Warning assertCaught(String lie, View carol, By expected, int within)
      throws Exception {
    List<Warning> warnings = server(carol).run();
    assertFalse(warnings.isEmpty(), lie + ": nothing caught it");
    Warning first = warnings.getFirst();
    int lieAt = firstDifference(carol);
    int after = first.step() - lieAt;
    System.out.printf("%s: caught by %s %d event(s) after the lie (carol's event %d), shown to"
        + " %s: %s%n", lie, first.by(), after, lieAt + 1, first.member(), first.line());
    assertEquals(expected, first.by(), lie + ": " + first);
    assertTrue(after >= 0 && after <= within, lie + ": caught " + after + " events late");
    for (Warning w : warnings) {
      assertTrue(w.member().equals("carol") || w.line().contains("carol"),
          lie + ": a warning between two honest members: " + w);
      assertTrue(w.line().contains(LyingRoomServer.ROOM), "names the room: " + w);
    }
    if (expected == By.SIGNED_HEADS) {
      assertTrue(warnings.stream().noneMatch(w -> w.by() == By.CHAIN),
          lie + ": a careful liar keeps carol's chain consistent in itself");
      assertTrue(warnings.stream().anyMatch(w -> !w.member().equals("carol")),
          lie + ": the honest members are warned too, naming carol");
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

  @Test
  void anHonestServerRaisesNoWarningAndEveryoneShowsTheSameWords() throws Exception {
    LyingRoomServer server = server(View.honest());
    assertEquals(List.of(), server.run());
    assertEquals(12, server.head("alice").id());
    assertEquals(server.head("alice"), server.head("carol"));
    String alice = server.verifyLine("alice");
    assertTrue(alice.matches("\\* #dev at event 12: [a-z]+( [a-z]+){5}"), alice);
    assertEquals(alice, server.verifyLine("bob"));
    assertEquals(alice, server.verifyLine("carol"));
  }

  // --- it drops an event for one member only ---

  @Test
  void droppingAnEventForOneMemberIsAGapInHerChain() throws Exception {
    Warning w = assertCaught("drop (ids kept)", View.naive(LyingServerClientTest::dropAt),
        By.CHAIN, 0);
    assertEquals("carol", w.member());
    assertTrue(w.line().contains("event 6 never arrived"), w.line());
  }

  @Test
  void droppingAnEventAndRenumberingIsCaughtBySignedHeads() throws Exception {
    assertCaught("drop (renumbered)", View.careful(LyingServerClientTest::dropAt),
        By.SIGNED_HEADS, SIGNING_INTERVAL_EVENTS);
  }

  // --- it reorders two events for one member ---

  @Test
  void reorderingTwoEventsForOneMemberBreaksHerChain() throws Exception {
    Warning w = assertCaught("reorder (ids kept)", View.naive(LyingServerClientTest::swapAt),
        By.CHAIN, 0);
    assertTrue(w.line().contains("event 6 never arrived (the server sent event 7 next)"),
        w.line());
  }

  @Test
  void reorderingAndRenumberingIsCaughtBySignedHeads() throws Exception {
    assertCaught("reorder (renumbered)", View.careful(LyingServerClientTest::swapAt),
        By.SIGNED_HEADS, SIGNING_INTERVAL_EVENTS);
  }

  // --- it shows one member a different history ---

  @Test
  void aDifferentEventUnderTheTrueHeadIsAMismatchInHerChain() throws Exception {
    Warning w = assertCaught("different history (heads kept)", View.naive(list -> {
      list.set(AT, altered().at(AT + 1, list.get(AT).event().head()));
      return list;
    }), By.CHAIN, 0);
    assertTrue(w.line().contains("broke at event 6"), w.line());
  }

  @Test
  void aDifferentHistoryChainedAfreshIsCaughtBySignedHeads() throws Exception {
    assertCaught("different history (re-hashed)", View.careful(list -> {
      list.set(AT, altered());
      return list;
    }), By.SIGNED_HEADS, SIGNING_INTERVAL_EVENTS);
  }

  // --- it adds a member silently: carol is told mallory joined, alice and bob are not ---

  @Test
  void aMemberAddedForOneMemberOnlyIsAMismatchInHerChain() throws Exception {
    Warning w = assertCaught("member added (ids kept)", View.naive(list -> {
      list.add(AT, Spec.joined(MALLORY, "mallory").at(AT + 1, list.get(AT).event().head()));
      return list;
    }), By.CHAIN, 0);
    assertTrue(w.line().contains("broke at event 6"), w.line());
  }

  @Test
  void aMemberAddedAndRenumberedIsCaughtBySignedHeads() throws Exception {
    assertCaught("member added (renumbered)", View.careful(list -> {
      list.add(AT, Spec.joined(MALLORY, "mallory"));
      return list;
    }), By.SIGNED_HEADS, SIGNING_INTERVAL_EVENTS);
  }

  @Test
  void aCarefulLiarLeavesDifferentWordsForPeopleToCompare() throws Exception {
    LyingRoomServer server = server(View.careful(list -> {
      list.set(AT, altered());
      return list;
    }));
    server.run();
    assertEquals(server.head("alice").id(), server.head("carol").id());
    assertNotEquals(server.verifyLine("alice"), server.verifyLine("carol"));
    assertEquals(server.verifyLine("alice"), server.verifyLine("bob"));
  }
}
