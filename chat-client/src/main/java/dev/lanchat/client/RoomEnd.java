package dev.lanchat.client;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.e2e.DmOutcome;
import dev.lanchat.common.e2e.E2eRoom;
import dev.lanchat.common.message.ServerMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Our end of one end-to-end room as the client keeps it around an {@link E2eRoom}: whether its
 * member list must be asked again before we next send (someone left: a new chain, lazily),
 * whether the next chain goes to everyone (we came back after a reconnect), the texts of our
 * own messages until the server echoes them, and what waits for a sender key: messages that
 * came before their sender's key ({@link #MAX_HELD} per sender) and sender keys that came
 * before their sender was in our member list.
 *
 * <p>Not thread-safe: {@link EndToEnd} guards it with its lock.
 */
final class RoomEnd {
  /** Most messages held per sender while its key is on the way. */
  static final int MAX_HELD = 100;
  /** Most of our own texts kept until their echo. */
  static final int MAX_OWN = 1024;
  /** Most sender keys held for members not yet known. */
  static final int MAX_EARLY_KEYS = 100;

  final String room;
  final E2eRoom end;
  /** The member list must be fetched again before we send. */
  boolean stale = true;
  /**
   * Counts the member lists we were told of (ENTERED, joins, leaves, early keys): a fetch that
   * began before the latest may not clear {@link #stale}, or a line could be sealed before a
   * newcomer who came meanwhile got our chain.
   */
  long changes;
  /** The next member list starts a new chain for everyone. */
  boolean renew;
  /** The "before you joined" line was shown since the last ENTERED. */
  boolean toldBeforeJoined;
  /** A member list fetch is queued on the worker. */
  boolean refreshQueued;

  private final Map<Long, String> own = Capped.map(MAX_OWN);
  private final Map<ByteString, Deque<ServerMessage.E2eMessage>> held = new HashMap<>();
  private final List<EarlyKey> earlyKeys = new ArrayList<>();

  /** A sender key from {@code from} that came before its sender was in our member list. */
  record EarlyKey(String from, DmOutcome.Opened opened) {}

  RoomEnd(String room, E2eRoom end) {
    this.room = room;
    this.end = end;
  }

  /** We sent {@code text} as {@code epoch}/{@code counter}. */
  void sent(long epoch, long counter, String text) {
    own.put(epoch << 32 | counter, text);
  }

  /** The text we sent as {@code epoch}/{@code counter}, once. */
  Optional<String> echoed(long epoch, long counter) {
    return Optional.ofNullable(own.remove(epoch << 32 | counter));
  }

  /** Holds {@code m} until {@code sender}'s key comes; false when too many wait already. */
  boolean hold(ByteString sender, ServerMessage.E2eMessage m) {
    if (!held.containsKey(sender) && held.size() >= E2eRoom.MAX_MEMBERS) {
      return false;
    }
    Deque<ServerMessage.E2eMessage> queue = held.computeIfAbsent(sender, k -> new ArrayDeque<>());
    if (queue.size() >= MAX_HELD) {
      return false;
    }
    queue.addLast(m);
    return true;
  }

  /** What was held for {@code sender}, in order, now let go. */
  List<ServerMessage.E2eMessage> release(ByteString sender) {
    Deque<ServerMessage.E2eMessage> queue = held.remove(sender);
    return queue == null ? List.of() : List.copyOf(queue);
  }

  /** Keeps a sender key from someone not yet in our member list (a copy; wiped if dropped). */
  void early(String from, DmOutcome.Opened opened) {
    if (earlyKeys.size() >= MAX_EARLY_KEYS) {
      dev.lanchat.common.crypto.Bytes.wipe(earlyKeys.removeFirst().opened().content());
    }
    earlyKeys.add(new EarlyKey(from, new DmOutcome.Opened(opened.sender(), opened.kind(),
        opened.content().clone(), opened.counter(), opened.continuity())));
  }

  /** Keeps an early key taken by {@link #takeEarly} whose sender is still not a member. */
  void keepEarly(EarlyKey key) {
    if (earlyKeys.size() >= MAX_EARLY_KEYS) {
      dev.lanchat.common.crypto.Bytes.wipe(key.opened().content());
      return;
    }
    earlyKeys.add(key);
  }

  /** The early sender keys, now let go (to install again). */
  List<EarlyKey> takeEarly() {
    List<EarlyKey> out = List.copyOf(earlyKeys);
    earlyKeys.clear();
    return out;
  }
}
