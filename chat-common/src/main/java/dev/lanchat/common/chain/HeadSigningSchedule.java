package dev.lanchat.common.chain;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * When a client may sign its head of a room: at most once a {@linkplain #INTERVAL minute} per
 * room, and only when the head has moved since the last one it signed. Asked after each event
 * and by a timer (so the last event of a quiet room gets signed too); a {@link Decision.Sign}
 * answer counts as signed.
 *
 * <p>Thread-safe (the reading thread and a timer both ask); the clock is injected so tests
 * move time by hand.
 */
public final class HeadSigningSchedule {
  /** The shortest time between two signed heads of one room. */
  public static final Duration INTERVAL = Duration.ofMinutes(1);

  private final InstantSource clock;
  private final int maxRooms;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Signed> last = new HashMap<>();

  /** A schedule reading {@code clock}, for at most {@link RoomChain#DEFAULT_MAX_ROOMS} rooms. */
  public HeadSigningSchedule(InstantSource clock) {
    this(clock, RoomChain.DEFAULT_MAX_ROOMS);
  }

  /** A schedule reading {@code clock}, for at most {@code maxRooms} rooms at once. */
  public HeadSigningSchedule(InstantSource clock, int maxRooms) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxRooms < 1) {
      throw new IllegalArgumentException("schedule at least one room");
    }
    this.maxRooms = maxRooms;
  }

  /** Whether to sign a room's head now. */
  public sealed interface Decision {
    /**
     * Sign this head now; the schedule counts it as signed.
     *
     * @param head the head to sign
     */
    record Sign(ChainHead head) implements Decision {}

    /**
     * The head moved, but the room's last signed head is less than a minute old.
     *
     * @param notBefore when to ask again
     */
    record Wait(Instant notBefore) implements Decision {}

    /** The head is the one signed last (or the genesis head): nothing new to sign. */
    record NothingNew() implements Decision {}
  }

  /**
   * Decides whether to sign {@code head} now.
   *
   * @throws IllegalStateException when a room beyond the cap would be scheduled: the caller
   *     forgets the rooms it leaves
   */
  public Decision decide(ChainHead head) {
    lock.lock();
    try {
      Signed before = last.get(head.room());
      if (head.id() < 1 || (before != null && head.id() <= before.id)) {
        return new Decision.NothingNew();
      }
      Instant now = clock.instant();
      if (before != null && now.isBefore(before.at.plus(INTERVAL))) {
        return new Decision.Wait(before.at.plus(INTERVAL));
      }
      if (before == null && last.size() >= maxRooms) {
        throw new IllegalStateException("already scheduling " + maxRooms + " rooms");
      }
      last.put(head.room(), new Signed(head.id(), now));
      return new Decision.Sign(head);
    } finally {
      lock.unlock();
    }
  }

  /** Forgets {@code room} (the client left it); a later head of it may be signed at once. */
  public void forget(String room) {
    lock.lock();
    try {
      last.remove(room);
    } finally {
      lock.unlock();
    }
  }

  private record Signed(long id, Instant at) {}
}
