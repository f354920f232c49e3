package dev.lanchat.common.chain;

import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainOutcome.Extended;
import dev.lanchat.common.chain.ChainOutcome.Gap;
import dev.lanchat.common.chain.ChainOutcome.Mismatch;
import dev.lanchat.common.chain.ChainOutcome.NotJoined;
import dev.lanchat.common.chain.ChainOutcome.OutOfOrder;
import dev.lanchat.common.chain.ChainOutcome.Started;
import dev.lanchat.common.chain.HeadComparison.Unknown.Why;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client's check of the room chains: it is fed every room event as it arrives (history,
 * catch-up and live alike) with the head the server sent beside it, keeps its own running head
 * per joined room, and says for each event whether it extends the chain or breaks it. It also
 * keeps the heads of the most recent event ids of each room, so that a member's {@link
 * SignedHead} can be compared with this client's own head at the same id.
 *
 * <p>A break is reported, never repaired: after a {@link Gap} or {@link Mismatch} the chain
 * goes on from the server's head, so that each later lie is warned about again, and {@link
 * #lastBreak} keeps the id of the latest break for {@code /verify} to mention.
 *
 * <p>Thread-safe: the session's reading thread feeds events while the console asks for heads;
 * a lock (not {@code synchronized}, which pins a virtual thread's carrier on JDK 21–23) guards
 * every call, and none of them blocks or does I/O.
 */
public final class RoomChain {
  /** Rooms tracked at once by default, well above any per-client room limit. */
  public static final int DEFAULT_MAX_ROOMS = 100;

  /** Recent heads kept per room by default: enough for a minute of a very busy room. */
  public static final int DEFAULT_RECENT_HEADS = 4_096;

  private final int maxRooms;
  private final int recentHeads;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, RoomState> rooms = new HashMap<>();

  /** A chain with the default caps. */
  public RoomChain() {
    this(DEFAULT_MAX_ROOMS, DEFAULT_RECENT_HEADS);
  }

  /** A chain tracking at most {@code maxRooms} rooms and {@code recentHeads} heads each. */
  public RoomChain(int maxRooms, int recentHeads) {
    if (maxRooms < 1 || recentHeads < 1) {
      throw new IllegalArgumentException("track at least one room and one head");
    }
    this.maxRooms = maxRooms;
    this.recentHeads = recentHeads;
  }

  /**
   * Starts tracking {@code room}; its next event starts the chain. Joining a room already
   * tracked changes nothing.
   *
   * @throws IllegalStateException when {@code maxRooms} rooms are tracked already
   */
  public void join(String room) {
    RoomNames.check(room);
    lock.lock();
    try {
      if (!rooms.containsKey(room) && rooms.size() >= maxRooms) {
        throw new IllegalStateException("already tracking " + maxRooms + " rooms");
      }
      rooms.computeIfAbsent(room, r -> new RoomState(new RecentHeads(recentHeads)));
    } finally {
      lock.unlock();
    }
  }

  /** Stops tracking {@code room} and forgets its heads. */
  public void leave(String room) {
    lock.lock();
    try {
      rooms.remove(room);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Announces that the server left out the next {@code count} events of {@code room} (a
   * catch-up longer than the server sends says so): if the next event's id is exactly that many
   * past the last one, the chain starts again there ({@link Started.Reason#AFTER_SKIP}) instead
   * of reporting a gap. The announcement holds for the next event only.
   *
   * @throws IllegalArgumentException when {@code count} is below 1
   */
  public void expectSkip(String room, long count) {
    if (count < 1) {
      throw new IllegalArgumentException("a skip leaves out at least one event");
    }
    lock.lock();
    try {
      RoomState state = rooms.get(room);
      if (state != null) {
        state.skip = count;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Checks one event against the chain and, unless it is out of order or from a room not
   * joined, moves the room's head past it.
   *
   * @param event the event as this client received it
   * @param claimedHead the head the server sent with it
   * @throws IllegalArgumentException when {@code claimedHead} is not 32 bytes (the message
   *     parser refuses such a message before it gets here)
   */
  public ChainOutcome accept(RoomEvent event, ByteString claimedHead) {
    ChainHead claimed = new ChainHead(event.room(), event.id(), claimedHead);
    lock.lock();
    try {
      RoomState state = rooms.get(event.room());
      if (state == null) {
        return new NotJoined(event.room(), event.id());
      }
      long skip = state.skip;
      state.skip = 0;
      ChainOutcome outcome = judge(state, event, claimed, skip);
      switch (outcome) {
        case Extended e -> state.advance(e.head());
        case Started s -> state.advance(s.head());
        case Gap g -> state.breakAt(g.head());
        case Mismatch m -> state.breakAt(m.head());
        case OutOfOrder o -> { }
        case NotJoined n -> { }
      }
      return outcome;
    } finally {
      lock.unlock();
    }
  }

  private static ChainOutcome judge(RoomState state, RoomEvent event, ChainHead claimed,
      long skip) {
    String room = event.room();
    long id = event.id();
    if (state.head == null && id > 1) {
      return new Started(claimed, Started.Reason.FIRST_SEEN);
    }
    long expected = state.lastId + 1;
    if (id < expected) {
      return new OutOfOrder(room, expected, id);
    }
    if (skip > 0 && id == expected + skip) {
      return new Started(claimed, Started.Reason.AFTER_SKIP);
    }
    if (id > expected) {
      return new Gap(room, expected, id, claimed);
    }
    ByteString previous = state.head == null ? ChainHash.genesis(room).head() : state.head;
    ByteString computed = ChainHash.next(previous, event);
    return computed.equals(claimed.head())
        ? new Extended(claimed)
        : new Mismatch(room, id, claimed);
  }

  /** The room's current head, or empty before its first event or when it is not joined. */
  public Optional<ChainHead> head(String room) {
    lock.lock();
    try {
      RoomState state = rooms.get(room);
      return state == null || state.head == null
          ? Optional.empty()
          : Optional.of(new ChainHead(room, state.lastId, state.head));
    } finally {
      lock.unlock();
    }
  }

  /** The id of the room's latest break ({@link Gap} or {@link Mismatch}), if it had one. */
  public OptionalLong lastBreak(String room) {
    lock.lock();
    try {
      RoomState state = rooms.get(room);
      return state == null || state.lastBreak == 0
          ? OptionalLong.empty()
          : OptionalLong.of(state.lastBreak);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Compares a member's signed head with this client's own head of that room at that id. The
   * signature is checked first: a head that does not verify is never compared.
   */
  public HeadComparison compare(SignedHead signed) {
    Objects.requireNonNull(signed, "signed");
    ByteString signer = signed.signer();
    String room = signed.room();
    long id = signed.id();
    if (!signed.signatureValid()) {
      return new HeadComparison.BadSignature(signer, room, id);
    }
    lock.lock();
    try {
      RoomState state = rooms.get(room);
      if (state == null) {
        return new HeadComparison.Unknown(signer, room, id, Why.NOT_JOINED);
      }
      if (state.head == null || id > state.lastId) {
        return new HeadComparison.Unknown(signer, room, id, Why.NOT_YET_SEEN);
      }
      Optional<ByteString> mine = state.recent.get(id);
      if (mine.isEmpty()) {
        return new HeadComparison.Unknown(signer, room, id, Why.TOO_OLD);
      }
      return mine.get().equals(signed.head())
          ? new HeadComparison.Agrees(signer, room, id)
          : new HeadComparison.Disagrees(signer, room, id);
    } finally {
      lock.unlock();
    }
  }

  /** One room's chain: its head, the id it covers, the recent heads, an announced skip. */
  private static final class RoomState {
    final RecentHeads recent;
    ByteString head;
    long lastId;
    long skip;
    long lastBreak;

    RoomState(RecentHeads recent) {
      this.recent = recent;
    }

    void advance(ChainHead next) {
      head = next.head();
      lastId = next.id();
      recent.put(lastId, head);
    }

    void breakAt(ChainHead next) {
      advance(next);
      lastBreak = next.id();
    }
  }
}
