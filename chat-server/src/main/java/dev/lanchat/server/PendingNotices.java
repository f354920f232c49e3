package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.RoomEvent;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The membership changes of one room that have happened but not yet gone out, and their
 * encoding as JOINED, LEFT or MEMBERS_CHANGED records (protocol §4.3, §5.8). They get their
 * event ids and heads when they go out, all at once, so they stay consecutive.
 *
 * <p>A member that entered while changes were waiting already has the earlier ones in its
 * ROSTER, so it is sent only the changes from its own entry on (its own JOINED included). Not
 * thread-safe: the room's lock guards it.
 */
final class PendingNotices {
  /** Largest plaintext a notice may have (a record's limit, protocol §7). */
  private static final int MAX_BYTES = CipherState.MAX_PLAINTEXT;

  private final List<MemberChange> changes = new ArrayList<>();
  /** For members that entered while changes waited: the index of their own entry. */
  private final Map<dev.lanchat.server.Member, Integer> seenFrom = new IdentityHashMap<>();

  /** Records that {@code member} entered. */
  void joined(dev.lanchat.server.Member member) {
    seenFrom.put(member, changes.size());
    changes.add(new MemberChange.Joined(member.onWire()));
  }

  /** Records that {@code member} left, for {@code reason}, with its parting {@code message}. */
  void left(dev.lanchat.server.Member member, String reason, String message) {
    changes.add(new MemberChange.Left(member.key(), member.name(), reason, message));
    seenFrom.remove(member);
  }

  boolean isEmpty() {
    return changes.isEmpty();
  }

  /** Forgets every waiting change (the room closed). */
  void clear() {
    changes.clear();
    seenFrom.clear();
  }

  /**
   * Stamps the waiting changes with ids and heads from {@code stamps}, hands every member in
   * {@code members} the encoded changes it has not seen, each distinct tail encoded once, then
   * forgets them all.
   *
   * @return true if anything was handed to anyone (a flush nobody needed does not count)
   */
  boolean flush(long time, EventStamps stamps, Collection<dev.lanchat.server.Member> members,
      BiConsumer<dev.lanchat.server.Member, byte[]> offer) {
    List<Function<Long, RoomEvent>> events = new ArrayList<>(changes.size());
    for (MemberChange change : changes) {
      events.add(id -> one(new EventHeader(stamps.room(), id, ByteString.copyOf(new byte[32]),
          time, change.key()), change).chainEvent());
    }
    Stamped stamped = new Stamped(stamps.room(), time, stamps.run(events), changes);
    Map<Integer, List<byte[]>> byStart = new HashMap<>();
    for (dev.lanchat.server.Member m : members) {
      int from = seenFrom.getOrDefault(m, 0);
      if (from >= changes.size()) {
        continue;
      }
      List<byte[]> encoded = byStart.computeIfAbsent(from, stamped::encodeFrom);
      for (byte[] e : encoded) {
        offer.accept(m, e);
      }
    }
    clear();
    return !byStart.isEmpty();
  }

  /** A lone change as its own event: JOINED or LEFT. */
  static ServerMessage.Event one(EventHeader header, MemberChange change) {
    return switch (change) {
      case MemberChange.Joined j -> new ServerMessage.Joined(header, j.member());
      case MemberChange.Left l ->
          new ServerMessage.Left(header, l.name(), l.reason(), l.message());
    };
  }

  /** Changes with their ids and heads, ready to encode from any start. */
  private record Stamped(String room, long time, EventStamps.Run run,
      List<MemberChange> changes) {
    Stamped {
      changes = List.copyOf(changes);
    }

    /**
     * The records for the changes from {@code start} on: a lone change as JOINED or LEFT,
     * several as MEMBERS_CHANGED, split so that none is longer than a record may be.
     */
    List<byte[]> encodeFrom(int start) {
      if (start == changes.size() - 1) {
        return List.of(MessageCodec.encode(one(header(start), changes.get(start))));
      }
      int header = 1 + utf8(room) + 8 + 32 + 8 + 2;
      List<byte[]> out = new ArrayList<>();
      int from = start;
      int size = header;
      for (int i = start; i < changes.size(); i++) {
        int next = encodedSize(changes.get(i));
        if (size + next > MAX_BYTES || i - from == 0xFFFF) {
          out.add(members(from, i));
          from = i;
          size = header;
        }
        size += next;
      }
      out.add(members(from, changes.size()));
      return out;
    }

    private EventHeader header(int i) {
      return new EventHeader(room, run.first() + i, run.heads().get(i), time,
          changes.get(i).key());
    }

    private byte[] members(int from, int to) {
      return MessageCodec.encode(new ServerMessage.MembersChanged(room, run.first() + from,
          run.heads().get(to - 1), time, changes.subList(from, to)));
    }
  }

  /** Bytes one change takes on the wire. */
  static int encodedSize(MemberChange change) {
    return switch (change) {
      case MemberChange.Joined j -> 1 + utf8(j.member().name()) + Member.KEY_SIZE;
      case MemberChange.Left l ->
          1 + Member.KEY_SIZE + utf8(l.name()) + utf8(l.reason()) + utf8(l.message());
    };
  }

  /** A str's wire size: its u16 length and its UTF-8 bytes. */
  private static int utf8(String s) {
    return 2 + s.getBytes(StandardCharsets.UTF_8).length;
  }
}
