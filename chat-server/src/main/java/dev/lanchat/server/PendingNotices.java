package dev.lanchat.server;

import dev.lanchat.common.crypto.CipherState;
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

/**
 * The membership changes of one room that have happened but not yet gone out, and their
 * encoding as JOINED, LEFT or MEMBERS_CHANGED records (protocol §4.3, §5.5).
 *
 * <p>A member that joined while changes were waiting already has them in its WELCOME, so it is
 * sent only the changes after its own join. Not thread-safe: the room's lock guards it.
 */
final class PendingNotices {
  /** Bytes of a MEMBERS_CHANGED before its first change: type, time, flag, count. */
  private static final int HEADER = 1 + 8 + 1 + 2;
  /** Largest plaintext a notice may have (a record's limit, protocol §7). */
  private static final int MAX_BYTES = CipherState.MAX_PLAINTEXT;

  private final List<MemberChange> changes = new ArrayList<>();
  /** For members that joined while changes waited: the index just after their own join. */
  private final Map<Member, Integer> seenUpTo = new IdentityHashMap<>();

  /** Records that {@code member} joined. */
  void joined(Member member) {
    changes.add(new MemberChange.Joined(member.onWire()));
    seenUpTo.put(member, changes.size());
  }

  /** Records that {@code member} left, for {@code reason}, with its parting {@code message}. */
  void left(Member member, String reason, String message) {
    changes.add(new MemberChange.Left(member.name(), reason, message));
    seenUpTo.remove(member);
  }

  boolean isEmpty() {
    return changes.isEmpty();
  }

  /** Forgets every waiting change (the room closed). */
  void clear() {
    changes.clear();
    seenUpTo.clear();
  }

  /**
   * Hands every member in {@code members} the encoded changes it has not seen, each distinct
   * tail encoded once, then forgets them all.
   *
   * @return true if anything was handed to anyone (a flush nobody needed does not count)
   */
  boolean flush(long time, Collection<Member> members, BiConsumer<Member, byte[]> offer) {
    Map<Integer, List<byte[]>> byStart = new HashMap<>();
    for (Member m : members) {
      int from = seenUpTo.getOrDefault(m, 0);
      if (from >= changes.size()) {
        continue;
      }
      List<byte[]> encoded = byStart.computeIfAbsent(from,
          f -> encode(time, false, changes.subList(f, changes.size())));
      for (byte[] e : encoded) {
        offer.accept(m, e);
      }
    }
    clear();
    return !byStart.isEmpty();
  }

  /**
   * The records for {@code list}: a lone change as JOINED or LEFT, several as MEMBERS_CHANGED,
   * split so that none is longer than a record may be. {@code welcomeRest} marks the members a
   * WELCOME had no room for.
   */
  static List<byte[]> encode(long time, boolean welcomeRest, List<MemberChange> list) {
    if (!welcomeRest && list.size() == 1) {
      return List.of(MessageCodec.encode(switch (list.getFirst()) {
        case MemberChange.Joined j -> new ServerMessage.Joined(time, j.member());
        case MemberChange.Left l -> new ServerMessage.Left(time, l.name(), l.reason(), l.message());
      }));
    }
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    int size = HEADER;
    for (int i = 0; i < list.size(); i++) {
      int next = encodedSize(list.get(i));
      if (size + next > MAX_BYTES || i - start == 0xFFFF) {
        out.add(MessageCodec.encode(
            new ServerMessage.MembersChanged(time, welcomeRest, list.subList(start, i))));
        start = i;
        size = HEADER;
      }
      size += next;
    }
    out.add(MessageCodec.encode(
        new ServerMessage.MembersChanged(time, welcomeRest, list.subList(start, list.size()))));
    return out;
  }

  /** Bytes one change takes on the wire. */
  static int encodedSize(MemberChange change) {
    return switch (change) {
      case MemberChange.Joined j -> 1 + utf8(j.member().name()) + 32;
      case MemberChange.Left l -> 1 + utf8(l.name()) + utf8(l.reason()) + utf8(l.message());
    };
  }

  /** A str's wire size: its u16 length and its UTF-8 bytes. */
  private static int utf8(String s) {
    return 2 + s.getBytes(StandardCharsets.UTF_8).length;
  }
}
