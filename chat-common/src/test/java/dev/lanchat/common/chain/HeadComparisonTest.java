package dev.lanchat.common.chain;

import static dev.lanchat.common.chain.Events.chained;
import static dev.lanchat.common.chain.Events.conversation;
import static dev.lanchat.common.chain.Events.identity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.Events.Delivery;
import dev.lanchat.common.chain.HeadComparison.Agrees;
import dev.lanchat.common.chain.HeadComparison.BadSignature;
import dev.lanchat.common.chain.HeadComparison.Disagrees;
import dev.lanchat.common.chain.HeadComparison.Unknown;
import dev.lanchat.common.crypto.Identity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Comparing a member's signed head with this client's own head at the same event id. */
class HeadComparisonTest {
  private static final String ROOM = "#dev";
  private static final Identity ALICE = identity(0x05);
  private static final Identity BOB = identity(0x07);
  private static final List<Delivery> HISTORY = chained(conversation(ROOM, 20, ALICE, BOB));

  /** Alice's chain after events 1 to {@code upTo}, keeping {@code recent} heads. */
  private static RoomChain alice(int upTo, int recent) {
    RoomChain chain = new RoomChain(4, recent);
    chain.join(ROOM);
    for (int i = 0; i < upTo; i++) {
      chain.accept(HISTORY.get(i).event(), HISTORY.get(i).head());
    }
    return chain;
  }

  private static SignedHead bobSigns(int id) {
    return SignedHead.sign(BOB, new ChainHead(ROOM, id, HISTORY.get(id - 1).head()));
  }

  @Test
  void theSameHeadAtTheSameIdAgrees() {
    RoomChain alice = alice(10, 64);
    for (int id = 1; id <= 10; id++) {
      Agrees a = assertInstanceOf(Agrees.class, alice.compare(bobSigns(id)));
      assertEquals(Events.key(BOB), a.signer());
      assertEquals(id, a.id());
    }
  }

  @Test
  void anotherHeadAtTheSameIdDisagreesNamingTheSignerAndTheId() {
    RoomChain alice = alice(10, 64);
    SignedHead other = SignedHead.sign(BOB, new ChainHead(ROOM, 7, HISTORY.get(7).head()));
    Disagrees d = assertInstanceOf(Disagrees.class, alice.compare(other));
    assertEquals(Events.key(BOB), d.signer());
    assertEquals(ROOM, d.room());
    assertEquals(7, d.id());
  }

  @Test
  void aHeadThatDoesNotVerifyIsNeverCompared() {
    RoomChain alice = alice(10, 64);
    SignedHead good = bobSigns(5);
    // the server swaps in another head but cannot sign it as Bob
    SignedHead forged = new SignedHead(ROOM, 5, HISTORY.get(5).head(), good.signer(),
        good.signature());
    assertInstanceOf(BadSignature.class, alice.compare(forged));
    // even one that would agree
    byte[] sig = good.signature().toByteArray();
    sig[0] ^= 1;
    assertInstanceOf(BadSignature.class, alice.compare(
        new SignedHead(ROOM, 5, good.head(), good.signer(), ByteString.copyOf(sig))));
  }

  @Test
  void aHeadBeyondThisClientsChainIsNotYetSeen() {
    Unknown u = assertInstanceOf(Unknown.class, alice(10, 64).compare(bobSigns(11)));
    assertEquals(Unknown.Why.NOT_YET_SEEN, u.why());
    assertEquals(Unknown.Why.NOT_YET_SEEN,
        assertInstanceOf(Unknown.class, alice(0, 64).compare(bobSigns(1))).why());
  }

  @Test
  void aHeadOlderThanTheRecentHeadsKeptIsTooOld() {
    RoomChain alice = alice(20, 8);
    assertEquals(Unknown.Why.TOO_OLD,
        assertInstanceOf(Unknown.class, alice.compare(bobSigns(12))).why());
    assertInstanceOf(Agrees.class, alice.compare(bobSigns(13)));
  }

  @Test
  void aHeadBeforeAMidRoomStartIsTooOld() {
    RoomChain chain = new RoomChain();
    chain.join(ROOM);
    for (int i = 9; i < 12; i++) {
      chain.accept(HISTORY.get(i).event(), HISTORY.get(i).head());
    }
    assertEquals(Unknown.Why.TOO_OLD,
        assertInstanceOf(Unknown.class, chain.compare(bobSigns(9))).why());
    assertInstanceOf(Agrees.class, chain.compare(bobSigns(10)));
  }

  @Test
  void aHeadOfARoomNotJoinedIsNotCompared() {
    RoomChain chain = new RoomChain();
    assertEquals(Unknown.Why.NOT_JOINED,
        assertInstanceOf(Unknown.class, chain.compare(bobSigns(1))).why());
  }
}
