package dev.lanchat.server;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link LineReply} for tests that want a line's answer as its sender's reader once had it:
 * the room's {@link RoomResult}, waited for (at most ten seconds).
 */
final class AwaitedLine implements LineReply {
  private final CompletableFuture<RoomResult> answer = new CompletableFuture<>();
  private volatile RoomResult result;

  /** Hands a SAY ({@code action} false) or ME to {@code room} and waits for its answer. */
  static RoomResult say(Room room, Member from, long clientId, String text, boolean action) {
    AwaitedLine line = new AwaitedLine();
    room.say(from, clientId, text, action, line);
    return line.await();
  }

  @Override
  public Optional<byte[]> errorFor(RoomResult result) {
    this.result = result;
    return Optional.empty();
  }

  @Override
  public void settled() {
    answer.complete(result);
  }

  /** The room's answer, once it has told this line. */
  RoomResult await() {
    try {
      return answer.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a line's answer", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("the room did not answer a line in 10 s", e);
    }
  }
}
