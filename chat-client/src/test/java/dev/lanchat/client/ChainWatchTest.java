package dev.lanchat.client;

import dev.lanchat.common.message.ChainEvents;
import static dev.lanchat.client.LyingRoomServer.ROOM;
import static dev.lanchat.client.LyingRoomServer.identity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.client.LyingRoomServer.Spec;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHash;
import dev.lanchat.common.chain.ChainHead;
import dev.lanchat.common.chain.RoomEvent;
import dev.lanchat.common.chain.SignedHead;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.trust.KnownPeers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's chain watch on its own: MEMBERS_CHANGED fed as its changes, an announced skip
 * is not a gap, an unannounced one is, signing at most once a minute, and the warnings a signed
 * head can raise (forged, or from a key other than the one pinned for its member's name).
 */
class ChainWatchTest {
  private static final Identity ALICE = identity(0x21);
  private static final Identity BOB = identity(0x23);
  private static final Identity CAROL = identity(0x25);
  private static final byte[] SERVER_KEY = new byte[32];

  @TempDir
  Path home;

  private final List<ClientMessage> sent = new ArrayList<>();
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");

  private final RecordingConsole console = new RecordingConsole(false);

  private ChainWatch watch(KnownPeers known) {
    ChainWatch watch = new ChainWatch(ALICE, console, known, () -> now, Optional.empty());
    watch.connected(SERVER_KEY, sent::add);
    return watch;
  }

  private ChainWatch watch() throws Exception {
    return watch(KnownPeers.load(home.resolve("known_peers")));
  }

  private static List<ServerMessage.Event> history(int count) {
    List<Spec> specs = new ArrayList<>();
    specs.add(Spec.joined(ALICE, "alice"));
    specs.add(Spec.joined(BOB, "bob"));
    for (int i = 3; i <= count; i++) {
      specs.add(Spec.says(i % 2 == 0 ? ALICE : BOB, i % 2 == 0 ? "alice" : "bob", "line " + i));
    }
    return LyingRoomServer.chained(specs);
  }

  private static ServerMessage.Entered entered(long skipped) {
    return new ServerMessage.Entered(ROOM, "", 2, 0, skipped);
  }

  @Test
  void aMembersChangedIsCheckedChangeByChangeUpToItsHead() throws Exception {
    ServerMessage.Event first =
        LyingRoomServer.chained(List.of(Spec.joined(ALICE, "alice"))).getFirst();
    List<MemberChange> changes = List.of(
        new MemberChange.Joined(new Member("bob", ByteString.copyOf(BOB.publicKey()))),
        new MemberChange.Joined(new Member("carol", ByteString.copyOf(CAROL.publicKey()))));
    long time = LyingRoomServer.T0 + 5_000;
    // the head after the batch, chained the way the server does, change by change
    ChainHead head = new ChainHead(ROOM, 1, first.event().head());
    for (RoomEvent e : ChainEvents.of(
        new ServerMessage.MembersChanged(ROOM, 2, head.head(), time, changes))) {
      head = ChainHash.after(head, e);
    }
    ChainWatch watch = watch();
    watch.received(entered(0));
    watch.received(first);
    watch.received(new ServerMessage.MembersChanged(ROOM, 2, head.head(), time, changes));
    assertEquals(List.of(), console.problems(), "the heads between the changes are computed here");
    assertEquals(head, watch.head(ROOM).orElseThrow());
    // a batch whose head is not the one its changes chain to is a break
    watch.received(new ServerMessage.MembersChanged(ROOM, 4, head.head(), time,
        List.of(new MemberChange.Left(ByteString.copyOf(CAROL.publicKey()), "carol", "", ""))));
    assertEquals(1, console.problems().size(), console.problems().toString());
    String warning = console.problems().getFirst();
    assertTrue(warning.startsWith(ChainWarnings.CHAIN + ROOM + " broke at event 4"), warning);
  }

  @Test
  void aSkipTheServerAnnouncedIsNotAGapButAnUnannouncedOneIs() throws Exception {
    List<ServerMessage.Event> truth = history(30);
    ChainWatch watch = watch();
    watch.received(entered(0));
    truth.subList(0, 10).forEach(watch::received);
    // reconnect: a catch-up that left out events 11 to 20 and said so
    watch.received(entered(10));
    truth.subList(20, 25).forEach(watch::received);
    assertEquals(List.of(), console.problems());
    // a later catch-up that leaves out 26 without saying so
    watch.received(entered(0));
    truth.subList(26, 30).forEach(watch::received);
    assertEquals(List.of(ChainWarnings.CHAIN + ROOM + " broke: event 26 never arrived (the server"
        + " sent event 27 next); it left something out for you"), console.problems());
    assertEquals(30, watch.head(ROOM).orElseThrow().id());
  }

  @Test
  void headsAreSignedAtMostOnceAMinuteAndOnlyWhenTheyMoved() throws Exception {
    List<ServerMessage.Event> truth = history(5);
    ChainWatch watch = watch();
    watch.received(entered(0));
    watch.received(truth.get(0));
    watch.received(truth.get(1));
    assertEquals(1, sent.size(), "signed after the first event, then waits a minute");
    now = now.plus(Duration.ofSeconds(59));
    watch.signDue();
    assertEquals(1, sent.size());
    now = now.plus(Duration.ofSeconds(1));
    watch.signDue();
    assertEquals(2, sent.size(), "the timer signs a quiet room's last head");
    SignedHead second = assertInstanceOf(ClientMessage.SignedHead.class, sent.get(1)).head();
    assertEquals(2, second.id());
    assertTrue(second.signatureValid());
    assertEquals(ByteString.copyOf(ALICE.publicKey()), second.signer());
    now = now.plus(Duration.ofMinutes(5));
    watch.signDue();
    assertEquals(2, sent.size(), "nothing new to sign");
  }

  @Test
  void aForgedSignedHeadWarnsNamingTheRoomAndTheMember() throws Exception {
    List<ServerMessage.Event> truth = history(4);
    ChainWatch watch = watch();
    watch.received(entered(0));
    truth.forEach(watch::received);
    SignedHead bobs = SignedHead.sign(BOB, watch.head(ROOM).orElseThrow());
    watch.received(new ServerMessage.SignedHead(bobs));
    assertEquals(List.of(), console.problems(), "bob agrees");
    byte[] head = bobs.head().toByteArray();
    head[0] ^= 1;
    watch.received(new ServerMessage.SignedHead(new SignedHead(ROOM, 4,
        ByteString.copyOf(head), bobs.signer(), bobs.signature())));
    assertEquals(List.of(ChainWarnings.SIGNED + ROOM + " at event 4 claiming to be from bob does"
        + " not verify: someone between you and bob (most likely the server) made or changed it"),
        console.problems());
  }

  @Test
  void aSignedHeadFromAKeyOtherThanTheOnePinnedForItsNameWarnsOnce() throws Exception {
    KnownPeers known = KnownPeers.load(home.resolve("known_peers"));
    known.remember(SERVER_KEY, "bob", CAROL.publicKey()); // bob was pinned with another key
    List<ServerMessage.Event> truth = history(4);
    ChainWatch watch = watch(known);
    watch.received(entered(0));
    truth.forEach(watch::received);
    SignedHead bobs = SignedHead.sign(BOB, watch.head(ROOM).orElseThrow());
    watch.received(new ServerMessage.SignedHead(bobs));
    watch.received(new ServerMessage.SignedHead(bobs));
    assertEquals(1, console.problems().size(), console.problems().toString());
    String warning = console.problems().getFirst();
    assertTrue(warning.contains("not the key you pinned for bob"), warning);
  }

  @Test
  void verifyShowsTheWordsAndWhereTheChainBroke() throws Exception {
    List<ServerMessage.Event> truth = history(8);
    ChainWatch watch = watch();
    VerifyCommand verify = new VerifyCommand(console, watch, () -> Optional.of(ROOM));
    verify.handle("/verify");
    verify.handle("/verify #elsewhere");
    watch.received(entered(0));
    verify.handle("/verify");
    truth.subList(0, 5).forEach(watch::received);
    truth.subList(6, 8).forEach(watch::received);
    verify.handle("/verify #dev");
    List<String> shown = console.events();
    assertEquals("* you are not in #dev: nothing to verify", shown.get(0));
    assertEquals("* you are not in #elsewhere: nothing to verify", shown.get(1));
    assertEquals("* #dev has no events yet: nothing to verify", shown.get(2));
    assertTrue(shown.get(3).matches("\\* #dev at event 8: [a-z]+( [a-z]+){5} \\(its chain broke"
        + " at event 7: see the warning\\)"), shown.get(3));
  }

  @Test
  void verifyLinesAreParsedStrictly() {
    assertEquals(new VerifyCommand.Parsed.Verify(Optional.empty()),
        VerifyCommand.parse("/verify"));
    assertEquals(new VerifyCommand.Parsed.Verify(Optional.of("#dev")),
        VerifyCommand.parse("  /verify   #dev "));
    assertInstanceOf(VerifyCommand.Parsed.Other.class, VerifyCommand.parse("/verifyx"));
    assertInstanceOf(VerifyCommand.Parsed.Other.class, VerifyCommand.parse("verify #dev"));
    assertInstanceOf(VerifyCommand.Parsed.Invalid.class, VerifyCommand.parse("/verify dev"));
    assertInstanceOf(VerifyCommand.Parsed.Invalid.class,
        VerifyCommand.parse("/verify #dev #ops"));
  }
}
