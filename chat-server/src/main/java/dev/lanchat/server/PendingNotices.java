package dev.lanchat.server;

import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.server.store.AppendResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The membership changes of one room that have happened but not yet gone out, their drafts as
 * room events (each change is a JOINED or LEFT event with its own id, all with the flush's time),
 * and the records the members get once the store numbered them: a lone change as the plain
 * JOINED or LEFT the store keeps, several as MEMBERS_CHANGED (protocol "MEMBERS_CHANGED").
 *
 * <p>Every member gets every flushed change, a member that entered during the window too: its
 * history ended at the last stored event, and these come right after it (its ROSTER, sent at
 * its ENTER, already counts the changes before its own JOINED). Not thread-safe: the room's
 * lock guards it.
 */
final class PendingNotices {
  /** Largest plaintext a notice may have (a record's limit, protocol §7). */
  private static final int MAX_BYTES = CipherState.MAX_PLAINTEXT;

  private final List<MemberChange> changes = new ArrayList<>();

  /** Records that {@code member} entered. */
  void joined(Member member) {
    changes.add(new MemberChange.Joined(member.onWire()));
  }

  /** Records that {@code member} left, for {@code reason}, with its parting {@code message}. */
  void left(Member member, String reason, String message) {
    changes.add(new MemberChange.Left(member.key(), member.name(), reason, message));
  }

  boolean isEmpty() {
    return changes.isEmpty();
  }

  /** Forgets every waiting change. */
  void clear() {
    changes.clear();
  }

  /** The waiting changes, in order. */
  List<MemberChange> changes() {
    return List.copyOf(changes);
  }

  /** Each change as a room event of {@code room} at {@code time}, in order. */
  static List<EventDraft> drafts(String room, long time, List<MemberChange> list) {
    List<EventDraft> drafts = new ArrayList<>(list.size());
    for (MemberChange change : list) {
      drafts.add(EventDraft.of(room, time, change.key(), OptionalLong.empty(), h ->
          switch (change) {
            case MemberChange.Joined j -> new ServerMessage.Joined(h, j.member());
            case MemberChange.Left l ->
                new ServerMessage.Left(h, l.name(), l.reason(), l.message());
          }));
    }
    return drafts;
  }

  /**
   * The records for {@code list}, numbered by the store as {@code stored}: a lone change as its
   * stored JOINED or LEFT, several as MEMBERS_CHANGED, split so that none is longer than a
   * record may be, each with the id of its first change and the head after its last.
   */
  static List<byte[]> encode(String room, long time, List<MemberChange> list,
      List<AppendResult.Appended> stored) {
    if (list.size() == 1) {
      return List.of(stored.getFirst().event().encoded().toByteArray());
    }
    int header = 1 + utf8(room) + 8 + 32 + 8 + 2;
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    int size = header;
    for (int i = 0; i < list.size(); i++) {
      int next = encodedSize(list.get(i));
      if (size + next > MAX_BYTES || i - start == 0xFFFF) {
        out.add(record(room, time, list, stored, start, i));
        start = i;
        size = header;
      }
      size += next;
    }
    out.add(record(room, time, list, stored, start, list.size()));
    return out;
  }

  private static byte[] record(String room, long time, List<MemberChange> list,
      List<AppendResult.Appended> stored, int from, int to) {
    return MessageCodec.encode(new ServerMessage.MembersChanged(room,
        stored.get(from).event().eventId(), stored.get(to - 1).head(), time,
        list.subList(from, to)));
  }

  /** Bytes one change takes on the wire. */
  static int encodedSize(MemberChange change) {
    return switch (change) {
      case MemberChange.Joined j -> 1 + utf8(j.member().name()) + 32;
      case MemberChange.Left l ->
          1 + 32 + utf8(l.name()) + utf8(l.reason()) + utf8(l.message());
    };
  }

  /** A str's wire size: its u16 length and its UTF-8 bytes. */
  static int utf8(String s) {
    return 2 + s.getBytes(StandardCharsets.UTF_8).length;
  }
}
