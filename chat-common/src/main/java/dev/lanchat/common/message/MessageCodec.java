package dev.lanchat.common.message;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.pake.ClientCodeRound1;
import dev.lanchat.common.pake.CodeConfirm;
import dev.lanchat.common.pake.CodeRound1;
import dev.lanchat.common.pake.CodeRound2;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes messages to record plaintexts and parses them back, strictly (protocol §4): an unknown
 * type, a field that runs past the end, bytes left after the last field or malformed UTF-8 is a
 * {@link ProtocolException} with {@link Reason#MALFORMED_MESSAGE}; nothing is ever replaced by
 * U+FFFD.
 *
 * <p>Stateless and thread-safe.
 */
public final class MessageCodec {
  /** Largest byte length of a {@code str} (its u16 length prefix). */
  public static final int MAX_STR_BYTES = 0xFFFF;

  private MessageCodec() {}

  /**
   * The wire form of {@code message}.
   *
   * @throws IllegalArgumentException if a string or list is too long for its u16 length
   */
  public static byte[] encode(Message message) {
    Writer w = new Writer(message.type());
    switch (message) {
      case ClientMessage.Join m -> w.str(m.name());
      case ClientMessage.Say m -> w.str(m.text());
      case ClientMessage.Dm m -> w.str(m.to()).str(m.text());
      case ClientMessage.Who m -> { }
      case ClientMessage.Ping m -> w.u64(m.token());
      case ClientMessage.Bye m -> w.str(m.message());
      case ClientMessage.ClientAuth m -> w.bytes(m.key()).bytes(m.sig());
      case ClientMessage.JoinCode1 m -> w.raw(m.round().encode());
      case ClientMessage.JoinCode2 m -> w.raw(m.round().encode());
      case ClientMessage.JoinCodeConfirm m -> w.raw(m.confirm().encode());
      case ServerMessage.ServerAuth m -> w.bytes(m.sig());
      case ServerMessage.Welcome m -> w.str(m.name()).str(m.server()).str(m.motd())
          .u32(m.rate()).u32(m.burst()).members(m.members());
      case ServerMessage.Chat m -> w.u64(m.time()).str(m.from()).str(m.text());
      case ServerMessage.Joined m -> w.u64(m.time()).member(m.member());
      case ServerMessage.Left m ->
          w.u64(m.time()).str(m.name()).str(m.reason()).str(m.message());
      case ServerMessage.Dm m -> w.u64(m.time()).str(m.from()).str(m.to()).str(m.text());
      case ServerMessage.Roster m -> w.members(m.members());
      case ServerMessage.Pong m -> w.u64(m.token());
      case ServerMessage.Error m -> w.u16(m.code()).str(m.text());
      case ServerMessage.Bye m -> w.str(m.reason());
      case ServerMessage.MembersChanged m ->
          w.u64(m.time()).u8(m.welcomeRest() ? 1 : 0).changes(m.changes());
      case ServerMessage.JoinCode1 m -> w.raw(m.round().encode());
      case ServerMessage.JoinCode2 m -> w.raw(m.round().encode());
      case ServerMessage.JoinCodeConfirm m -> w.raw(m.confirm().encode());
    }
    return w.toByteArray();
  }

  /**
   * Parses a message a client sent; a server-to-client type is refused.
   *
   * @throws ProtocolException if the bytes are not exactly one client message
   */
  public static ClientMessage decodeClient(byte[] plaintext) throws ProtocolException {
    if (decode(plaintext) instanceof ClientMessage m) {
      return m;
    }
    throw malformed("type 0x%02x is not a client-to-server message", plaintext[0] & 0xFF);
  }

  /**
   * Parses a message a server sent; a client-to-server type is refused.
   *
   * @throws ProtocolException if the bytes are not exactly one server message
   */
  public static ServerMessage decodeServer(byte[] plaintext) throws ProtocolException {
    if (decode(plaintext) instanceof ServerMessage m) {
      return m;
    }
    throw malformed("type 0x%02x is not a server-to-client message", plaintext[0] & 0xFF);
  }

  /**
   * Parses a message of either direction.
   *
   * @throws ProtocolException if the bytes are not exactly one message
   */
  public static Message decode(byte[] plaintext) throws ProtocolException {
    Reader r = new Reader(plaintext);
    int type = r.u8();
    Message message = switch (type) {
      case ClientMessage.Join.TYPE -> new ClientMessage.Join(r.str());
      case ClientMessage.Say.TYPE -> new ClientMessage.Say(r.str());
      case ClientMessage.Dm.TYPE -> new ClientMessage.Dm(r.str(), r.str());
      case ClientMessage.Who.TYPE -> new ClientMessage.Who();
      case ClientMessage.Ping.TYPE -> new ClientMessage.Ping(r.u64());
      case ClientMessage.Bye.TYPE -> new ClientMessage.Bye(r.str());
      case ClientMessage.ClientAuth.TYPE -> new ClientMessage.ClientAuth(
          r.bytes(ClientMessage.ClientAuth.KEY_SIZE), r.bytes(ClientMessage.ClientAuth.SIG_SIZE));
      case ServerMessage.ServerAuth.TYPE ->
          new ServerMessage.ServerAuth(r.bytes(ServerMessage.ServerAuth.SIG_SIZE));
      case ServerMessage.Welcome.TYPE ->
          new ServerMessage.Welcome(r.str(), r.str(), r.str(), r.u32(), r.u32(), r.members());
      case ServerMessage.Chat.TYPE -> new ServerMessage.Chat(r.u64(), r.str(), r.str());
      case ServerMessage.Joined.TYPE -> new ServerMessage.Joined(r.u64(), r.member());
      case ServerMessage.Left.TYPE ->
          new ServerMessage.Left(r.u64(), r.str(), r.str(), r.str());
      case ServerMessage.Dm.TYPE -> new ServerMessage.Dm(r.u64(), r.str(), r.str(), r.str());
      case ServerMessage.Roster.TYPE -> new ServerMessage.Roster(r.members());
      case ServerMessage.Pong.TYPE -> new ServerMessage.Pong(r.u64());
      case ServerMessage.Error.TYPE -> new ServerMessage.Error(r.u16(), r.str());
      case ServerMessage.Bye.TYPE -> new ServerMessage.Bye(r.str());
      case ServerMessage.MembersChanged.TYPE -> membersChanged(r);
      // the join-code bodies have layouts of their own (points, scalars, proofs): the pake
      // package parses them, as strictly, from everything after the type byte
      case ClientMessage.JoinCode1.TYPE -> new ClientMessage.JoinCode1(
          ClientCodeRound1.parse(r.rest()));
      case ClientMessage.JoinCode2.TYPE -> new ClientMessage.JoinCode2(CodeRound2.parse(r.rest()));
      case ClientMessage.JoinCodeConfirm.TYPE ->
          new ClientMessage.JoinCodeConfirm(CodeConfirm.parse(r.rest()));
      case ServerMessage.JoinCode1.TYPE -> new ServerMessage.JoinCode1(CodeRound1.parse(r.rest()));
      case ServerMessage.JoinCode2.TYPE -> new ServerMessage.JoinCode2(CodeRound2.parse(r.rest()));
      case ServerMessage.JoinCodeConfirm.TYPE ->
          new ServerMessage.JoinCodeConfirm(CodeConfirm.parse(r.rest()));
      default -> throw malformed("unknown message type 0x%02x", type);
    };
    r.expectEnd();
    return message;
  }

  private static ServerMessage.MembersChanged membersChanged(Reader r) throws ProtocolException {
    long time = r.u64();
    int flag = r.u8();
    if (flag > 1) {
      throw malformed("MEMBERS_CHANGED flag %d is neither 0 nor 1", flag);
    }
    List<MemberChange> changes = r.changes();
    if (changes.isEmpty()
        || flag == 1 && !changes.stream().allMatch(MemberChange.Joined.class::isInstance)) {
      throw malformed("MEMBERS_CHANGED with no change, or a WELCOME rest with a leave");
    }
    return new ServerMessage.MembersChanged(time, flag == 1, changes);
  }

  private static ProtocolException malformed(String format, Object... args) {
    return new ProtocolException(Reason.MALFORMED_MESSAGE, String.format(format, args));
  }

  /** Builds {@code u8 type ‖ fields}. */
  private static final class Writer {
    private final ByteWriter out = new ByteWriter(64);

    Writer(int type) {
      out.u8(type);
    }

    Writer u8(int value) {
      out.u8(value);
      return this;
    }

    Writer u16(int value) {
      out.u16(value);
      return this;
    }

    Writer u64(long value) {
      out.u64(value);
      return this;
    }

    Writer bytes(ByteString value) {
      out.bytes(value);
      return this;
    }

    Writer raw(byte[] value) {
      out.bytes(value);
      return this;
    }

    Writer str(String value) {
      byte[] utf8 = StrictUtf8.encode(value);
      if (utf8.length > MAX_STR_BYTES) {
        throw new IllegalArgumentException("a str holds at most 65,535 UTF-8 bytes");
      }
      out.u16(utf8.length).bytes(utf8);
      return this;
    }

    Writer u32(long value) {
      out.u32(value);
      return this;
    }

    Writer member(Member value) {
      return str(value.name()).bytes(value.key());
    }

    Writer members(List<Member> values) {
      if (values.size() > 0xFFFF) {
        throw new IllegalArgumentException("a list<member> holds at most 65,535 members");
      }
      u16(values.size());
      for (Member value : values) {
        member(value);
      }
      return this;
    }

    Writer changes(List<MemberChange> values) {
      if (values.size() > 0xFFFF) {
        throw new IllegalArgumentException("a list<change> holds at most 65,535 changes");
      }
      u16(values.size());
      for (MemberChange value : values) {
        switch (value) {
          case MemberChange.Joined j -> u8(MemberChange.JOINED).member(j.member());
          case MemberChange.Left l ->
              u8(MemberChange.LEFT).str(l.name()).str(l.reason()).str(l.message());
        }
      }
      return this;
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  /** Reads fields strictly from one plaintext, refusing each before it runs past the end. */
  private static final class Reader {
    private final ByteReader in;

    Reader(byte[] data) {
      this.in = ByteReader.of(data);
    }

    private void need(int n, String what) throws ProtocolException {
      if (in.remaining() < n) {
        throw malformed("the %s at byte %d runs past the end of the message", what,
            in.position());
      }
    }

    int u8() throws ProtocolException {
      need(1, "type");
      return in.u8();
    }

    int u16() throws ProtocolException {
      need(2, "u16");
      return in.u16();
    }

    long u64() throws ProtocolException {
      need(8, "u64");
      return in.u64();
    }

    byte[] bytes(int n) throws ProtocolException {
      need(n, "fixed field");
      return in.bytes(n);
    }

    String str() throws ProtocolException {
      int length = u16();
      need(length, "str");
      int at = in.position();
      return StrictUtf8.decode(in.bytes(length), 0, length)
          .orElseThrow(() -> malformed("the str at byte %d is not valid UTF-8", at));
    }

    long u32() throws ProtocolException {
      need(4, "u32");
      return in.u32();
    }

    Member member() throws ProtocolException {
      return new Member(str(), bytes(Member.KEY_SIZE));
    }

    List<Member> members() throws ProtocolException {
      int count = u16();
      // each member needs at least its 2-byte name length and its key: refuse an impossible
      // count before allocating
      need(count * (2 + Member.KEY_SIZE), "list<member>");
      List<Member> values = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        values.add(member());
      }
      return values;
    }

    List<MemberChange> changes() throws ProtocolException {
      int count = u16();
      // the shortest change is a leave with three empty strs: 1 + 3 * 2 bytes
      need(count * 7, "list<change>");
      List<MemberChange> values = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int tag = u8();
        values.add(switch (tag) {
          case MemberChange.JOINED -> new MemberChange.Joined(member());
          case MemberChange.LEFT -> new MemberChange.Left(str(), str(), str());
          default -> throw malformed("unknown change tag 0x%02x", tag);
        });
      }
      return values;
    }

    /** Everything after what was read so far (a join-code body, parsed by its own reader). */
    byte[] rest() {
      return in.bytes(in.remaining());
    }

    void expectEnd() throws ProtocolException {
      if (in.remaining() != 0) {
        throw malformed("%d bytes left over after the last field", in.remaining());
      }
    }
  }
}
