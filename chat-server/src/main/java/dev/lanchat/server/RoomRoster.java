package dev.lanchat.server;

import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A room's ROSTER records, kept encoded between changes: a join appends the new member's entry
 * to the last page, so an ENTER costs a copy of that page, not an encode of every member (in a
 * join storm that encode was about half of the server's CPU, issue 12). Any other change (a
 * leave, a rename, an away text) drops the pages, and the next ask rebuilds them with {@link
 * RosterPages#encode}; the records are the same bytes either way.
 *
 * <p>The records handed out are never changed afterwards, so every member's queue may hold
 * them. Not thread-safe: the room's lock guards it.
 */
final class RoomRoster {
  /** Index of the {@code more} byte and of the u16 count in a ROSTER record's header. */
  private final int moreAt;
  private final String room;
  /** The records of the full pages before the last, each with {@code more} set. */
  private final List<byte[]> full = new ArrayList<>();
  /** The header of a record of this room: type, room, {@code more}, count (filled per page). */
  private final byte[] header;
  /** The encoded entries of the last page, {@code lastLength} bytes of it used. */
  private byte[] lastEntries = new byte[256];
  private int lastLength;
  private int lastCount;
  /** The last page's record, or null when it changed since it was made. */
  private byte[] lastRecord;
  /** False when the pages do not match the members (after a leave, rename or away change). */
  private boolean valid;

  RoomRoster(String room) {
    this.room = room;
    byte[] empty = MessageCodec.encode(new ServerMessage.Roster(room, false, List.of()));
    this.header = empty;
    this.moreAt = empty.length - 3;
  }

  /** {@code member} joined, after everyone already listed. */
  void joined(Member member) {
    if (valid) {
      append(member);
    }
  }

  /** Someone left, was renamed or changed its away text: the next ask rebuilds every page. */
  void changed() {
    valid = false;
    full.clear();
    lastLength = 0;
    lastCount = 0;
    lastRecord = null;
  }

  /** The ROSTER records listing {@code members} (the room's members, in join order). */
  List<byte[]> records(Iterable<Member> members) {
    if (!valid) {
      changed();
      members.forEach(this::append);
      valid = true;
    }
    if (lastRecord == null) {
      lastRecord = record(false);
    }
    List<byte[]> all = new ArrayList<>(full.size() + 1);
    all.addAll(full);
    all.add(lastRecord);
    return List.copyOf(all);
  }

  private void append(Member member) {
    byte[] entry = entryOf(member);
    if (lastCount > 0 && (header.length + lastLength + entry.length > CipherState.MAX_PLAINTEXT
        || lastCount == 0xFFFF)) {
      full.add(record(true));
      lastLength = 0;
      lastCount = 0;
    }
    if (lastLength + entry.length > lastEntries.length) {
      lastEntries = Arrays.copyOf(lastEntries,
          Math.max(lastEntries.length * 2, lastLength + entry.length));
    }
    System.arraycopy(entry, 0, lastEntries, lastLength, entry.length);
    lastLength += entry.length;
    lastCount++;
    lastRecord = null;
  }

  /** The wire bytes of {@code member}'s ROSTER entry: a one-entry record less its header. */
  private byte[] entryOf(Member member) {
    byte[] one = MessageCodec.encode(new ServerMessage.Roster(room, false,
        List.of(new RosterEntry(member.onWire(), member.away()))));
    return Arrays.copyOfRange(one, header.length, one.length);
  }

  /** The last page as a record, with {@code more} as given. */
  private byte[] record(boolean more) {
    byte[] out = Arrays.copyOf(header, header.length + lastLength);
    out[moreAt] = (byte) (more ? 1 : 0);
    out[moreAt + 1] = (byte) (lastCount >>> 8);
    out[moreAt + 2] = (byte) lastCount;
    System.arraycopy(lastEntries, 0, out, header.length, lastLength);
    return out;
  }
}
