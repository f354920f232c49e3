package dev.lanchat.common.chain;

import static dev.lanchat.common.chain.Events.chained;
import static dev.lanchat.common.chain.Events.conversation;
import static dev.lanchat.common.chain.Events.identity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainOutcome.Extended;
import dev.lanchat.common.chain.ChainOutcome.Gap;
import dev.lanchat.common.chain.ChainOutcome.Mismatch;
import dev.lanchat.common.chain.ChainOutcome.NotJoined;
import dev.lanchat.common.chain.ChainOutcome.OutOfOrder;
import dev.lanchat.common.chain.ChainOutcome.Started;
import dev.lanchat.common.chain.Events.Delivery;
import dev.lanchat.common.crypto.Identity;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The client's chain check: each way an event can extend or break a room's chain. */
class RoomChainTest {
  private static final String ROOM = "#dev";
  private static final Identity ALICE = identity(0x05);
  private static final Identity BOB = identity(0x07);
  private static final List<Delivery> HISTORY = chained(conversation(ROOM, 10, ALICE, BOB));

  private static RoomChain joined() {
    RoomChain chain = new RoomChain();
    chain.join(ROOM);
    return chain;
  }

  private static ChainOutcome feed(RoomChain chain, Delivery d) {
    return chain.accept(d.event(), d.head());
  }

  @Test
  void anHonestHistoryExtendsTheChainFromGenesisAtEveryEvent() {
    RoomChain chain = joined();
    for (Delivery d : HISTORY) {
      Extended e = assertInstanceOf(Extended.class, feed(chain, d));
      assertEquals(new ChainHead(ROOM, d.event().id(), d.head()), e.head());
      assertFalse(e.isBreak());
    }
    assertEquals(HISTORY.getLast().head(), chain.head(ROOM).orElseThrow().head());
    assertEquals(10, chain.head(ROOM).orElseThrow().id());
    assertEquals(OptionalLong.empty(), chain.lastBreak(ROOM));
  }

  @Test
  void aRoomHasNoHeadBeforeItsFirstEvent() {
    assertTrue(joined().head(ROOM).isEmpty());
    assertTrue(new RoomChain().head(ROOM).isEmpty());
  }

  @Test
  void aChangeToAnyFieldOfAnEventIsAMismatch() {
    List<UnaryOperator<RoomEvent>> changes = List.of(
        e -> new RoomEvent(Events.key(identity(0x09)), e.room(), e.id(), e.time(), e.type(),
            e.payload()),
        e -> new RoomEvent(RoomEvent.SERVER, e.room(), e.id(), e.time(), e.type(), e.payload()),
        e -> new RoomEvent(e.sender(), e.room(), e.id(), e.time() + 1, e.type(), e.payload()),
        e -> new RoomEvent(e.sender(), e.room(), e.id(), e.time(), Events.LEFT, e.payload()),
        e -> new RoomEvent(e.sender(), e.room(), e.id(), e.time(), e.type(),
            Events.text("lime 4")),
        e -> new RoomEvent(e.sender(), e.room(), e.id(), e.time(), e.type(),
            ByteString.copyOf(new byte[0])));
    for (UnaryOperator<RoomEvent> change : changes) {
      RoomChain chain = joined();
      for (int i = 0; i < 3; i++) {
        feed(chain, HISTORY.get(i));
      }
      Delivery fourth = HISTORY.get(3);
      Mismatch m = assertInstanceOf(Mismatch.class,
          chain.accept(change.apply(fourth.event()), fourth.head()));
      assertEquals(4, m.id());
      assertTrue(m.isBreak());
      assertEquals(OptionalLong.of(4), chain.lastBreak(ROOM));
    }
  }

  @Test
  void aWrongHeadForTheFirstEventIsAMismatchAgainstGenesis() {
    Delivery first = HISTORY.getFirst();
    ChainOutcome outcome = joined().accept(first.event(), HISTORY.get(1).head());
    assertInstanceOf(Mismatch.class, outcome);
  }

  @Test
  void afterAMismatchTheChainGoesOnFromTheServersHeadAndKeepsChecking() {
    RoomChain chain = joined();
    feed(chain, HISTORY.get(0));
    Delivery second = HISTORY.get(1);
    assertInstanceOf(Mismatch.class, chain.accept(Events.say(BOB, ROOM, 2, "forged"),
        second.head()));
    assertInstanceOf(Extended.class, feed(chain, HISTORY.get(2)));
    // and a second lie later is reported again
    assertInstanceOf(Mismatch.class, chain.accept(Events.say(ALICE, ROOM, 4, "again"),
        HISTORY.get(3).head()));
    assertEquals(OptionalLong.of(4), chain.lastBreak(ROOM));
  }

  @Test
  void aMissingIdIsAGapNamingTheExpectedAndTheReceivedId() {
    RoomChain chain = joined();
    feed(chain, HISTORY.get(0));
    feed(chain, HISTORY.get(1));
    Gap gap = assertInstanceOf(Gap.class, feed(chain, HISTORY.get(4)));
    assertEquals(3, gap.expected());
    assertEquals(5, gap.got());
    assertTrue(gap.isBreak());
    assertEquals(OptionalLong.of(5), chain.lastBreak(ROOM));
    // the chain goes on from event 5's head: event 6 extends it
    assertInstanceOf(Extended.class, feed(chain, HISTORY.get(5)));
  }

  @Test
  void anIdAtOrBelowTheLastIsOutOfOrderAndNotChained() {
    RoomChain chain = joined();
    for (int i = 0; i < 4; i++) {
      feed(chain, HISTORY.get(i));
    }
    ChainHead before = chain.head(ROOM).orElseThrow();
    for (int repeat : new int[] {3, 0, 1}) {
      OutOfOrder o = assertInstanceOf(OutOfOrder.class, feed(chain, HISTORY.get(repeat)));
      assertEquals(5, o.expected());
      assertEquals(repeat + 1, o.got());
      assertTrue(o.isBreak());
    }
    assertEquals(before, chain.head(ROOM).orElseThrow());
    assertInstanceOf(Extended.class, feed(chain, HISTORY.get(4)));
  }

  @Test
  void twoEventsSwappedAreAGapThenOutOfOrder() {
    RoomChain chain = joined();
    feed(chain, HISTORY.get(0));
    assertInstanceOf(Gap.class, feed(chain, HISTORY.get(2)));
    assertInstanceOf(OutOfOrder.class, feed(chain, HISTORY.get(1)));
  }

  @Test
  void aChainJoinedMidRoomStartsAtTheFirstEventItSees() {
    RoomChain chain = joined();
    Started s = assertInstanceOf(Started.class, feed(chain, HISTORY.get(6)));
    assertEquals(Started.Reason.FIRST_SEEN, s.reason());
    assertEquals(7, s.head().id());
    assertFalse(s.isBreak());
    for (int i = 7; i < 10; i++) {
      assertInstanceOf(Extended.class, feed(chain, HISTORY.get(i)));
    }
  }

  @Test
  void anAnnouncedSkipStartsTheChainAgainWithoutAGap() {
    RoomChain chain = joined();
    feed(chain, HISTORY.get(0));
    feed(chain, HISTORY.get(1));
    chain.expectSkip(ROOM, 5);
    Started s = assertInstanceOf(Started.class, feed(chain, HISTORY.get(7)));
    assertEquals(Started.Reason.AFTER_SKIP, s.reason());
    assertEquals(OptionalLong.empty(), chain.lastBreak(ROOM));
    assertInstanceOf(Extended.class, feed(chain, HISTORY.get(8)));
  }

  @Test
  void aSkipOfAnotherLengthThanAnnouncedIsStillAGap() {
    RoomChain chain = joined();
    feed(chain, HISTORY.get(0));
    chain.expectSkip(ROOM, 2);
    Gap gap = assertInstanceOf(Gap.class, feed(chain, HISTORY.get(5)));
    assertEquals(2, gap.expected());
  }

  @Test
  void anAnnouncedSkipHoldsForTheNextEventOnly() {
    RoomChain chain = joined();
    feed(chain, HISTORY.get(0));
    chain.expectSkip(ROOM, 3);
    assertInstanceOf(Extended.class, feed(chain, HISTORY.get(1)));
    assertInstanceOf(Gap.class, feed(chain, HISTORY.get(5)));
  }

  @Test
  void anEventOfARoomNotJoinedIsNotChained() {
    RoomChain chain = new RoomChain();
    NotJoined n = assertInstanceOf(NotJoined.class, feed(chain, HISTORY.get(0)));
    assertEquals(ROOM, n.room());
    assertTrue(chain.head(ROOM).isEmpty());
  }

  @Test
  void leavingARoomForgetsItsChain() {
    RoomChain chain = joined();
    feed(chain, HISTORY.get(0));
    chain.leave(ROOM);
    assertInstanceOf(NotJoined.class, feed(chain, HISTORY.get(1)));
    chain.join(ROOM);
    assertInstanceOf(Started.class, feed(chain, HISTORY.get(1)));
  }

  @Test
  void roomsAreChainedApart() {
    RoomChain chain = joined();
    chain.join("#ops");
    List<Delivery> ops = chained(conversation("#ops", 3, BOB, ALICE));
    for (int i = 0; i < 3; i++) {
      assertInstanceOf(Extended.class, feed(chain, HISTORY.get(i)));
      assertInstanceOf(Extended.class, feed(chain, ops.get(i)));
    }
    assertEquals(ops.get(2).head(), chain.head("#ops").orElseThrow().head());
    assertEquals(HISTORY.get(2).head(), chain.head(ROOM).orElseThrow().head());
  }

  @Test
  void theNumberOfRoomsTrackedIsCapped() {
    RoomChain chain = new RoomChain(2, 8);
    chain.join("#a");
    chain.join("#b");
    chain.join("#a"); // already tracked: no new room
    assertThrows(IllegalStateException.class, () -> chain.join("#c"));
    chain.leave("#b");
    chain.join("#c");
  }

  @Test
  void anInvalidRoomNameIsRefused() {
    RoomChain chain = new RoomChain();
    for (String bad : new String[] {"dev", "#", "#d\u001b[2J", "#" + "x".repeat(33), "#dév"}) {
      assertThrows(IllegalArgumentException.class, () -> chain.join(bad), bad);
    }
  }
}
