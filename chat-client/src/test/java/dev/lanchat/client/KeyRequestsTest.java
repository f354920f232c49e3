package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An asker whose session ends while it waits is told so quietly, not with "interrupted". */
class KeyRequestsTest {

  @Test
  void anAskerStoppedByTheSessionsEndGetsAbandonedNotAReason() throws Exception {
    KeyRequests requests = new KeyRequests();
    CountDownLatch asked = new CountDownLatch(1);
    CompletableFuture<KeyRequests.Answer> answer = new CompletableFuture<>();
    Thread asker = Thread.ofPlatform().start(() ->
        answer.complete(requests.fetch("#e2e", target -> asked.countDown())));
    assertTrue(asked.await(10, TimeUnit.SECONDS), "the question was sent");
    asker.interrupt(); // as the session's workers are stopped when it ends
    assertInstanceOf(KeyRequests.Answer.Abandoned.class, answer.get(10, TimeUnit.SECONDS));
    asker.join(10_000);
    assertEquals(Thread.State.TERMINATED, asker.getState());
  }
}
