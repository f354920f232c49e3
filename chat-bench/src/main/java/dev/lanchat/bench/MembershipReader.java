package dev.lanchat.bench;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.chain.ChainHead;
import dev.lanchat.common.message.Batch;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.ServerMessage;

/**
 * Reads the names that a ROSTER page, a JOINED or a MEMBERS_CHANGED carries (protocol §4.3)
 * where they lie in the plaintext, and hands each to a sink as a range of bytes: no message, no
 * member and no {@code String} is made for an entry.
 *
 * <p>A join storm of N clients brings the load side N² such entries (10^8 at 10,000), and
 * building a message of each, as our client does, was about a third of the load JVM's CPU in the
 * storm, on cores it shares with the server under test (performance.md, "The storm's load side
 * reads names where they lie"). Real clients run on their own machines. This reader checks every
 * length and count against what remains, and the tags of changes; it does not check what a
 * roster count does not need (the room's name, the UTF-8 of away texts and of names the sink
 * does not decode). Anything else goes through {@link Batch.Slice#decode}.
 */
final class MembershipReader {
  private MembershipReader() {}

  /** Where a name lies: {@code length} bytes of {@code data} from {@code offset}. */
  interface Names {
    /** A member in a ROSTER page, in order. */
    void listed(byte[] data, int offset, int length) throws ProtocolException;
  }

  /** What the membership notices of a room say, one change at a time. */
  interface Changes {
    /** The member named there entered the room as event {@code eventId}. */
    void joined(long eventId, byte[] data, int offset, int length) throws ProtocolException;

    /** The member named there left the room as event {@code eventId}. */
    void left(long eventId, byte[] data, int offset, int length) throws ProtocolException;
  }

  /**
   * The entries of a ROSTER page, each to {@code names}.
   *
   * @return the page's {@code more}: whether another page follows
   * @throws ProtocolException if {@code slice} is not a ROSTER or does not parse as one
   */
  static boolean rosterPage(Batch.Slice slice, Names names) throws ProtocolException {
    Cursor in = new Cursor(slice);
    if (in.u8() != ServerMessage.Roster.TYPE) {
      throw malformed("type 0x%02x where a ROSTER page was due", slice.type());
    }
    in.str(); // the room
    int more = in.u8();
    if (more > 1) {
      throw malformed("a ROSTER's more of %d", more);
    }
    int count = in.u16();
    for (int i = 0; i < count; i++) {
      int length = in.str();
      names.listed(in.data, in.at() - length, length);
      in.skip(Member.KEY_SIZE);
      in.str(); // away
    }
    in.end();
    return more == 1;
  }

  /**
   * The changes of a JOINED, a LEFT or a MEMBERS_CHANGED, each to {@code changes} in order.
   *
   * @return false if {@code slice} is none of them (nothing was read)
   * @throws ProtocolException if it is one of them and does not parse as one
   */
  static boolean changes(Batch.Slice slice, Changes changes) throws ProtocolException {
    Cursor in = new Cursor(slice);
    int type = in.u8();
    if (type == ServerMessage.Joined.TYPE || type == ServerMessage.Left.TYPE) {
      in.str(); // the envelope's room
      long id = in.u64();
      in.skip(ChainHead.SIZE + 8 + Member.KEY_SIZE); // head, time, sender
      int length = in.str();
      int name = in.at() - length;
      if (type == ServerMessage.Joined.TYPE) {
        in.skip(Member.KEY_SIZE);
        in.end();
        changes.joined(id, in.data, name, length);
      } else {
        in.str(); // reason
        in.str(); // message
        in.end();
        changes.left(id, in.data, name, length);
      }
      return true;
    }
    if (type != ServerMessage.MembersChanged.TYPE) {
      return false;
    }
    in.str(); // room
    long firstId = in.u64();
    in.skip(ChainHead.SIZE + 8); // head, time
    int count = in.u16();
    if (count == 0) {
      throw malformed("a MEMBERS_CHANGED with no change");
    }
    for (int i = 0; i < count; i++) {
      int tag = in.u8();
      if (tag == MemberChange.JOINED) {
        int length = in.str();
        int name = in.at() - length;
        in.skip(Member.KEY_SIZE);
        changes.joined(firstId + i, in.data, name, length);
      } else if (tag == MemberChange.LEFT) {
        in.skip(Member.KEY_SIZE);
        int length = in.str();
        int name = in.at() - length;
        in.str(); // reason
        in.str(); // message
        changes.left(firstId + i, in.data, name, length);
      } else {
        throw malformed("a change with tag 0x%02x", tag);
      }
    }
    in.end();
    return true;
  }

  /**
   * A {@link ByteReader} over one slice whose every read is checked against what remains first,
   * refused as a malformed message (as the codec's reader does), and which tells where in the
   * slice's array a field it passed began.
   */
  private static final class Cursor {
    final byte[] data;
    private final int offset;
    private final ByteReader in;

    Cursor(Batch.Slice slice) {
      this.data = slice.data();
      this.offset = slice.offset();
      this.in = ByteReader.of(data, offset, slice.length());
    }

    /** Where the next byte lies in {@link #data}. */
    int at() {
      return offset + in.position();
    }

    int u8() throws ProtocolException {
      need(1);
      return in.u8();
    }

    int u16() throws ProtocolException {
      need(2);
      return in.u16();
    }

    long u64() throws ProtocolException {
      need(8);
      return in.u64();
    }

    /** Skips a {@code str}; returns its length, its bytes ending at {@link #at}. */
    int str() throws ProtocolException {
      int length = u16();
      skip(length);
      return length;
    }

    void skip(int n) throws ProtocolException {
      need(n);
      in.skip(n);
    }

    void end() throws ProtocolException {
      if (in.remaining() != 0) {
        throw malformed("%d bytes after the last field", in.remaining());
      }
    }

    private void need(int n) throws ProtocolException {
      if (in.remaining() < n) {
        throw malformed("the field at byte %d runs past the end of the message", in.position());
      }
    }
  }

  private static ProtocolException malformed(String format, Object... args) {
    return new ProtocolException(Reason.MALFORMED_MESSAGE, String.format(format, args));
  }
}
