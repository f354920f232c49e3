package dev.lanchat.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanchat.common.bytes.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DMs that wait for their recipient: kept per key, capped, handed over once, expired. */
class OfflineDmsTest {
  @TempDir
  Path dir;

  private final HistoryTest.TestClock clock = new HistoryTest.TestClock();
  private Store store;

  private static final ByteString BOB = HistoryTest.key(2);
  private static final ByteString CAROL = HistoryTest.key(3);

  private static ByteString sender(int n) {
    return HistoryTest.key(100 + n);
  }

  private static byte[] dm(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @BeforeEach
  void open() throws Exception {
    store = Store.open(dir.resolve("server.db"), clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void waitingDmsAreHandedOverOnceOldestFirstPerRecipient() throws Exception {
    OfflineDms dms = store.offlineDms(Retention.defaults());
    assertEquals(new DmResult.Kept(1), dms.deliverLater(BOB, sender(1), 1, 1_000, dm("one")));
    assertEquals(new DmResult.Kept(2), dms.deliverLater(BOB, sender(2), 1, 2_000, dm("two")));
    assertEquals(new DmResult.Kept(1), dms.deliverLater(CAROL, sender(1), 2, 3_000, dm("c")));
    List<WaitingDm> got = dms.take(BOB);
    assertEquals(2, got.size());
    assertEquals(1_000, got.get(0).time());
    assertArrayEquals(dm("one"), got.get(0).encoded().toByteArray());
    assertArrayEquals(dm("two"), got.get(1).encoded().toByteArray());
    assertEquals(List.of(), dms.take(BOB), "taken means gone");
    assertEquals(1, dms.waiting(CAROL));
  }

  @Test
  void theyWaitAcrossARestart() throws Exception {
    store.offlineDms(Retention.defaults()).deliverLater(BOB, sender(1), 1, 5, dm("later"));
    store.close();
    store = Store.open(dir.resolve("server.db"), clock);
    assertEquals(1, store.offlineDms(Retention.defaults()).take(BOB).size());
  }

  @Test
  void the101stDmForOneRecipientIsRefusedNotMadeRoomFor() throws Exception {
    OfflineDms dms = store.offlineDms(Retention.defaults());
    for (int i = 0; i < OfflineDms.MAX_PER_RECIPIENT; i++) {
      assertEquals(new DmResult.Kept(i + 1), dms.deliverLater(BOB, sender(1), i, i, dm("m" + i)));
    }
    assertEquals(new DmResult.Full(), dms.deliverLater(BOB, sender(2), 0, 500, dm("too many")));
    assertEquals(new DmResult.Kept(1), dms.deliverLater(CAROL, sender(2), 1, 500, dm("fine")));
    List<WaitingDm> got = dms.take(BOB);
    assertEquals(OfflineDms.MAX_PER_RECIPIENT, got.size());
    assertArrayEquals(dm("m0"), got.get(0).encoded().toByteArray(), "the first one is intact");
    assertEquals(new DmResult.Kept(1), dms.deliverLater(BOB, sender(2), 0, 600, dm("too many")),
        "a refused DM was not taken: sending it again is not a repeat");
  }

  @Test
  void aRepeatedDmIsDroppedWhetherItWaitedOrWentLive() throws Exception {
    OfflineDms dms = store.offlineDms(Retention.defaults());
    dms.deliverLater(BOB, sender(1), 7, 1, dm("once"));
    assertEquals(new DmResult.Repeat(), dms.deliverLater(BOB, sender(1), 7, 2, dm("once")));
    assertEquals(new Claim.Repeat(), dms.claim(sender(1), 7));
    assertEquals(new Claim.Fresh(), dms.claim(sender(1), 8));
    assertEquals(new DmResult.Repeat(), dms.deliverLater(BOB, sender(1), 8, 3, dm("live")));
    assertEquals(1, dms.take(BOB).size());
  }

  @Test
  void withHistoryZeroNoDmIsKept() throws Exception {
    OfflineDms dms = store.offlineDms(new Retention(0, Optional.empty()));
    assertEquals(new DmResult.NotKept(), dms.deliverLater(BOB, sender(1), 1, 1, dm("no")));
    assertEquals(List.of(), dms.take(BOB));
  }

  @Test
  void dmsOlderThanTheAgeLimitExpire() throws Exception {
    OfflineDms dms = store.offlineDms(Retention.of(100, 1));
    dms.deliverLater(BOB, sender(1), 1, clock.millis(), dm("old"));
    dms.deliverLater(CAROL, sender(1), 2, clock.millis(), dm("old too"));
    clock.advance(Duration.ofHours(12));
    dms.deliverLater(BOB, sender(1), 3, clock.millis(), dm("newer"));
    clock.advance(Duration.ofHours(13));
    List<WaitingDm> got = dms.take(BOB);
    assertEquals(1, got.size());
    assertArrayEquals(dm("newer"), got.get(0).encoded().toByteArray());
    assertEquals(1, dms.sweep(), "carol's expired DM, which no write touched");
    assertEquals(0, dms.waiting(CAROL));
  }

  @Test
  void keysAre32Bytes() {
    OfflineDms dms = store.offlineDms(Retention.defaults());
    assertThrows(IllegalArgumentException.class,
        () -> dms.take(ByteString.copyOf(new byte[31])));
  }
}
