package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.testing.FaultProxy;
import dev.lanchat.common.testing.Tamper;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's key update through the launchers, with the record threshold lowered to 3 by the
 * test-only system property both programs read ({@value #PROPERTY}): both directions move to
 * new keys many times in a short session and nothing is lost; a proxy counts the KEY_UPDATE
 * records (a one-byte plaintext: a 21-byte frame) so the test fails if the programs stop
 * updating; and a record replayed from before the switches ends the connection.
 */
@Timeout(180)
class KeyUpdateEndToEndIT {
  private static final String PROPERTY = "lanchat.test.keyUpdateRecords";
  private static final Launched.Limits EVERY_THIRD_RECORD =
      new Launched.Limits("-D" + PROPERTY + "=3", 0);
  /** Length, the 1-byte KEY_UPDATE, the 16-byte tag. */
  private static final int UPDATE_FRAME = 4 + 1 + 16;
  private static final int LINES = 60;

  @TempDir
  Path dir;

  private static Tamper counting(AtomicInteger updates) {
    return (index, frame) -> {
      if (frame.length == UPDATE_FRAME) {
        updates.incrementAndGet();
      }
      return new Tamper.Action.Emit(List.of(frame));
    };
  }

  @Test
  void atALowThresholdBothDirectionsUpdateManyTimesAndEveryLineArrivesOnceInOrder()
      throws Exception {
    AtomicInteger toServer = new AtomicInteger();
    AtomicInteger toClient = new AtomicInteger();
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server(0, EVERY_THIRD_RECORD);
      Launched bob = lan.client(server.port(), "bob", EVERY_THIRD_RECORD);
      bob.awaitOut("as bob");
      try (FaultProxy proxy = FaultProxy.start(server.port(), () -> new FaultProxy.Plan(
          counting(toServer), counting(toClient), FaultProxy.Chunking.WHOLE))) {
        Launched alice = lan.client(proxy.port(), "alice", EVERY_THIRD_RECORD);
        alice.awaitOut("as alice");
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= LINES; i++) {
          alice.type("a-" + i);
          bob.type("b-" + i);
          expected.add("<alice> a-" + i);
          expected.add("<bob> b-" + i);
        }
        alice.awaitAllOut(expected, Launched.WAIT);
        bob.awaitAllOut(expected, Launched.WAIT);
        alice.endInput();
        bob.endInput();
        assertEquals(0, alice.awaitExit(), alice.transcript());
        assertEquals(0, bob.awaitExit(), bob.transcript());
        for (Launched person : List.of(alice, bob)) {
          for (String who : List.of("alice", "bob")) {
            List<String> texts = Said.all(person.stdout(), t -> t.startsWith(who.charAt(0) + "-"))
                .stream().filter(s -> s.from().equals(who)).map(Said::text).toList();
            List<String> inOrder = new ArrayList<>();
            for (int i = 1; i <= LINES; i++) {
              inOrder.add(who.charAt(0) + "-" + i);
            }
            assertEquals(inOrder, texts, who + "'s lines as shown\n" + person.transcript());
          }
        }
      }
    }
    System.out.printf("key updates at a threshold of 3 records: %d client to server, %d server"
        + " to client%n", toServer.get(), toClient.get());
    // 60 lines and their confirmations each way: a new key every third record, about 20 each way
    assertTrue(toServer.get() >= 15, "client to server updates: " + toServer.get());
    assertTrue(toClient.get() >= 15, "server to client updates: " + toClient.get());
  }

  @Test
  void aRecordReplayedFromBeforeTheSwitchEndsTheConnectionAsAProtocolError() throws Exception {
    AtomicInteger updates = new AtomicInteger();
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server(0, EVERY_THIRD_RECORD);
      Launched bob = lan.client(server.port(), "bob", EVERY_THIRD_RECORD);
      bob.awaitOut("as bob");
      AtomicReference<byte[]> early = new AtomicReference<>();
      AtomicBoolean replayed = new AtomicBoolean();
      // client to server: keep JOIN (frame 2: record 1 under the first key) and send it again
      // once the client has moved on three keys; only on the first connection
      Tamper replay = (index, frame) -> {
        if (frame.length == UPDATE_FRAME) {
          updates.incrementAndGet();
        }
        if (index == 2 && early.get() == null) {
          early.set(frame.clone());
        }
        if (updates.get() >= 3 && early.get() != null && replayed.compareAndSet(false, true)) {
          return new Tamper.Action.Emit(List.of(early.get(), frame));
        }
        return new Tamper.Action.Emit(List.of(frame));
      };
      try (FaultProxy proxy = FaultProxy.start(server.port(), () -> new FaultProxy.Plan(
          replay, Tamper.none(), FaultProxy.Chunking.WHOLE))) {
        Launched alice = lan.client(proxy.port(), "alice", EVERY_THIRD_RECORD);
        alice.awaitOut("as alice");
        for (int i = 1; i <= 20; i++) {
          alice.type("line-" + i);
        }
        server.process().awaitErr("protocol error");
        bob.awaitOut("alice left (protocol error)");
        assertTrue(replayed.get(), "the old record was sent again");
      }
      bob.endInput();
      assertEquals(0, bob.awaitExit(), bob.transcript());
    }
  }
}
