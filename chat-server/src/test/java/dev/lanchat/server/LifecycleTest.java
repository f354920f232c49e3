package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A connection's states only move forward, and a last message is never lost or doubled. */
@Timeout(30)
class LifecycleTest {
  private final Lifecycle life = new Lifecycle();

  private static Outbox outbox(OutboxTest.RecordingSink sink, CompletableFuture<Boolean> done) {
    return new Outbox(sink, OutboundBudget.unlimited(), 10, 1 << 20, done::complete);
  }

  @Test
  void statesMoveForwardOnly() {
    assertEquals(Lifecycle.State.HANDSHAKE, life.state());
    assertFalse(life.joined(), "no JOINED before ESTABLISHED");
    OutboxTest.RecordingSink sink = new OutboxTest.RecordingSink(new CountDownLatch(0));
    assertTrue(life.establish(outbox(sink, new CompletableFuture<>())));
    assertTrue(life.joined());
    assertTrue(life.beginClose(null));
    assertFalse(life.beginClose(null), "one close only");
    assertFalse(life.abort());
    assertFalse(life.joined());
    life.closed();
    assertEquals(Lifecycle.State.CLOSED, life.state());
  }

  @Test
  void aCloseDuringTheHandshakeSendsItsLastMessageOnceTheOutboxExists() throws Exception {
    assertTrue(life.beginClose(new byte[] {7}));
    OutboxTest.RecordingSink sink = new OutboxTest.RecordingSink(new CountDownLatch(0));
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    Outbox box = outbox(sink, done);
    assertFalse(life.establish(box), "not ESTABLISHED: a close had begun");
    box.start("test-out");
    assertTrue(done.get(10, TimeUnit.SECONDS), "flushed");
    assertEquals(List.of(7), sink.sent());
  }

  @Test
  void abortDropsWhatWaitsAndReportsNotFlushed() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    OutboxTest.RecordingSink sink = new OutboxTest.RecordingSink(release);
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    Outbox box = outbox(sink, done);
    life.establish(box);
    box.start("test-out");
    life.offer(new byte[] {1});
    assertTrue(sink.entered.await(10, TimeUnit.SECONDS));
    life.offer(new byte[] {2});
    assertTrue(life.abort());
    release.countDown();
    assertFalse(done.get(10, TimeUnit.SECONDS));
    assertEquals(List.of(1), sink.sent());
  }
}
