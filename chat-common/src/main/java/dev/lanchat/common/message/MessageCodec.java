package dev.lanchat.common.message;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.chain.ChainHead;
import dev.lanchat.common.chain.SignedHead;
import dev.lanchat.common.e2e.E2eKey;
import dev.lanchat.common.e2e.RoomMessage;
import dev.lanchat.common.e2e.SealedDm;
import dev.lanchat.common.pake.ClientCodeRound1;
import dev.lanchat.common.pake.CodeConfirm;
import dev.lanchat.common.pake.CodeRound1;
import dev.lanchat.common.pake.CodeRound2;
import dev.lanchat.common.rules.RoomNames;
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
      case ClientMessage m -> client(w, m);
      case ServerMessage m -> server(w, m);
    }
    return w.toByteArray();
  }

  /**
   * The payload of a room event: its fields after the envelope, the bytes its canonical form
   * carries (protocol "Room chain").
   */
  static byte[] payload(ServerMessage.Event event) {
    return new Writer().payload(event).toByteArray();
  }

  /** The payload of the JOINED or LEFT event one MEMBERS_CHANGED change stands for. */
  static byte[] changePayload(MemberChange change) {
    return new Writer().changePayload(change).toByteArray();
  }

  private static void client(Writer w, ClientMessage message) {
    switch (message) {
      case ClientMessage.Join m -> w.str(m.name());
      case ClientMessage.Say m -> w.u64(m.id()).str(m.room()).str(m.text());
      case ClientMessage.Dm m -> w.u64(m.id()).str(m.to()).str(m.text());
      case ClientMessage.Who m -> w.str(m.room());
      case ClientMessage.Ping m -> w.u64(m.token());
      case ClientMessage.Bye m -> w.str(m.message());
      case ClientMessage.ClientAuth m -> w.bytes(m.key()).bytes(m.sig());
      case ClientMessage.JoinCode1 m -> w.raw(m.round().encode());
      case ClientMessage.JoinCode2 m -> w.raw(m.round().encode());
      case ClientMessage.JoinCodeConfirm m -> w.raw(m.confirm().encode());
      case ClientMessage.SignedHead m -> w.raw(m.head().encode());
      case ClientMessage.Enter m -> w.str(m.room()).u64(m.since()).u8(m.endToEnd() ? 1 : 0);
      case ClientMessage.Part m -> w.str(m.room()).str(m.message());
      case ClientMessage.Me m -> w.u64(m.id()).str(m.room()).str(m.text());
      case ClientMessage.Nick m -> w.str(m.name());
      case ClientMessage.Topic m -> w.str(m.room()).str(m.topic());
      case ClientMessage.Away m -> w.str(m.text());
      case ClientMessage.Rooms m -> { }
      case ClientMessage.BatchOk m -> { }
      case ClientMessage.E2eKey m -> w.raw(m.key().encode());
      case ClientMessage.E2eKeysGet m -> w.str(m.target());
      case ClientMessage.SealedDm m -> w.u64(m.id()).str(m.to()).blob(m.sealed().encode());
      case ClientMessage.E2eSay m -> w.u64(m.id()).str(m.room()).blob(m.message().encode());
    }
  }

  private static void server(Writer w, ServerMessage message) {
    switch (message) {
      case ServerMessage.ServerAuth m -> w.bytes(m.sig());
      case ServerMessage.Welcome m -> w.str(m.name()).str(m.server()).str(m.motd())
          .u32(m.rate()).u32(m.burst()).u16(m.maxRooms());
      case ServerMessage.Event m -> w.header(m.event()).payload(m);
      case ServerMessage.Dm m -> w.u64(m.time()).str(m.from()).str(m.to()).str(m.text())
          .u8(m.status().code()).str(m.note());
      case ServerMessage.Roster m -> w.str(m.room()).u8(m.more() ? 1 : 0).roster(m.entries());
      case ServerMessage.Pong m -> w.u64(m.token());
      case ServerMessage.Error m -> w.u16(m.code()).str(m.text());
      case ServerMessage.Bye m -> w.str(m.reason());
      case ServerMessage.MembersChanged m -> w.str(m.room()).u64(m.firstId()).bytes(m.head())
          .u64(m.time()).changes(m.changes());
      case ServerMessage.Entered m -> w.str(m.room()).str(m.topic()).u32(m.members())
          .u32(m.history()).u64(m.skipped()).u8(m.endToEnd() ? 1 : 0);
      case ServerMessage.RoomList m -> w.rooms(m.rooms());
      case ServerMessage.SignedHead m -> w.raw(m.head().encode());
      case ServerMessage.JoinCode1 m -> w.raw(m.round().encode());
      case ServerMessage.JoinCode2 m -> w.raw(m.round().encode());
      case ServerMessage.JoinCodeConfirm m -> w.raw(m.confirm().encode());
      case ServerMessage.E2eKeys m -> w.str(m.target()).u8(m.more() ? 1 : 0).keys(m.entries());
      case ServerMessage.SealedDm m -> w.u64(m.time()).str(m.from()).bytes(m.fromKey())
          .str(m.to()).blob(m.sealed().encode()).u8(m.status().code()).str(m.note());
    }
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
    return decode(plaintext, 0, plaintext.length);
  }

  /**
   * Parses a message a server sent, the {@code length} bytes of {@code data} from {@code
   * offset} (one message of a BATCH, read where it lies), as {@link #decodeServer(byte[])}.
   */
  static ServerMessage decodeServer(byte[] data, int offset, int length)
      throws ProtocolException {
    if (decode(data, offset, length) instanceof ServerMessage m) {
      return m;
    }
    throw malformed("type 0x%02x is not a server-to-client message", data[offset] & 0xFF);
  }

  /** Parses the message in {@code length} bytes of {@code data} from {@code offset}. */
  private static Message decode(byte[] data, int offset, int length) throws ProtocolException {
    Reader r = new Reader(data, offset, length);
    int type = r.u8();
    Message message;
    try {
      message = isServerType(type) ? server(type, r) : client(type, r);
    } catch (IllegalArgumentException e) {
      // the reader checks every field before the records do; this only keeps a record's own
      // check from escaping as anything but a malformed message
      throw new ProtocolException(Reason.MALFORMED_MESSAGE,
          String.format("type 0x%02x: %s", type, e.getMessage()), e);
    }
    r.expectEnd();
    return message;
  }

  /** Server-to-client types are 0x01 and 0x20 to 0x3F; everything else is a client's. */
  private static boolean isServerType(int type) {
    return type == ServerMessage.ServerAuth.TYPE || type >= 0x20 && type < 0x40;
  }

  private static ClientMessage client(int type, Reader r) throws ProtocolException {
    return switch (type) {
      case ClientMessage.Join.TYPE -> new ClientMessage.Join(r.str());
      case ClientMessage.Say.TYPE -> new ClientMessage.Say(r.clientId(), r.str(), r.str());
      case ClientMessage.Dm.TYPE -> new ClientMessage.Dm(r.clientId(), r.str(), r.str());
      case ClientMessage.Who.TYPE -> new ClientMessage.Who(r.str());
      case ClientMessage.Ping.TYPE -> new ClientMessage.Ping(r.u64());
      case ClientMessage.Bye.TYPE -> new ClientMessage.Bye(r.str());
      case ClientMessage.ClientAuth.TYPE -> new ClientMessage.ClientAuth(
          r.bytes(ClientMessage.ClientAuth.KEY_SIZE), r.bytes(ClientMessage.ClientAuth.SIG_SIZE));
      // the join-code bodies have layouts of their own (points, scalars, proofs): the pake
      // package parses them, as strictly, from everything after the type byte; the chain
      // package does the same for a signed head
      case ClientMessage.JoinCode1.TYPE -> new ClientMessage.JoinCode1(
          ClientCodeRound1.parse(r.rest()));
      case ClientMessage.JoinCode2.TYPE -> new ClientMessage.JoinCode2(CodeRound2.parse(r.rest()));
      case ClientMessage.JoinCodeConfirm.TYPE ->
          new ClientMessage.JoinCodeConfirm(CodeConfirm.parse(r.rest()));
      case ClientMessage.SignedHead.TYPE ->
          new ClientMessage.SignedHead(SignedHead.parse(r.rest()));
      case ClientMessage.Enter.TYPE -> new ClientMessage.Enter(r.str(), r.count(), r.flag());
      case ClientMessage.Part.TYPE -> new ClientMessage.Part(r.str(), r.str());
      case ClientMessage.Me.TYPE -> new ClientMessage.Me(r.clientId(), r.str(), r.str());
      case ClientMessage.Nick.TYPE -> new ClientMessage.Nick(r.str());
      case ClientMessage.Topic.TYPE -> new ClientMessage.Topic(r.str(), r.str());
      case ClientMessage.Away.TYPE -> new ClientMessage.Away(r.str());
      case ClientMessage.Rooms.TYPE -> new ClientMessage.Rooms();
      case ClientMessage.BatchOk.TYPE -> new ClientMessage.BatchOk();
      case ClientMessage.E2eKey.TYPE -> new ClientMessage.E2eKey(r.e2eKey());
      case ClientMessage.E2eKeysGet.TYPE -> new ClientMessage.E2eKeysGet(r.str());
      case ClientMessage.SealedDm.TYPE ->
          new ClientMessage.SealedDm(r.clientId(), r.str(), r.sealedDm());
      case ClientMessage.E2eSay.TYPE ->
          new ClientMessage.E2eSay(r.clientId(), r.str(), r.roomMessage());
      default -> throw malformed("unknown message type 0x%02x", type);
    };
  }

  private static ServerMessage server(int type, Reader r) throws ProtocolException {
    return switch (type) {
      case ServerMessage.ServerAuth.TYPE ->
          new ServerMessage.ServerAuth(r.bytes(ServerMessage.ServerAuth.SIG_SIZE));
      case ServerMessage.Welcome.TYPE ->
          new ServerMessage.Welcome(r.str(), r.str(), r.str(), r.u32(), r.u32(), r.u16());
      case ServerMessage.Chat.TYPE -> new ServerMessage.Chat(r.header(), r.str(), r.str());
      case ServerMessage.Joined.TYPE -> new ServerMessage.Joined(r.header(), r.member());
      case ServerMessage.Left.TYPE ->
          new ServerMessage.Left(r.header(), r.str(), r.str(), r.str());
      case ServerMessage.Action.TYPE -> new ServerMessage.Action(r.header(), r.str(), r.str());
      case ServerMessage.Renamed.TYPE -> new ServerMessage.Renamed(r.header(), r.str(), r.str());
      case ServerMessage.Topic.TYPE -> new ServerMessage.Topic(r.header(), r.str(), r.str());
      case ServerMessage.Dm.TYPE -> new ServerMessage.Dm(r.u64(), r.str(), r.str(), r.str(),
          r.dmStatus(), r.str());
      case ServerMessage.Roster.TYPE -> new ServerMessage.Roster(r.room(), r.flag(), r.roster());
      case ServerMessage.Pong.TYPE -> new ServerMessage.Pong(r.u64());
      case ServerMessage.Error.TYPE -> new ServerMessage.Error(r.u16(), r.str());
      case ServerMessage.Bye.TYPE -> new ServerMessage.Bye(r.str());
      case ServerMessage.MembersChanged.TYPE -> new ServerMessage.MembersChanged(r.room(),
          r.eventId(), r.byteString(ChainHead.SIZE), r.u64(), r.changes());
      case ServerMessage.Entered.TYPE -> new ServerMessage.Entered(r.room(), r.str(), r.u32(),
          r.u32(), r.count(), r.flag());
      case ServerMessage.RoomList.TYPE -> new ServerMessage.RoomList(r.rooms());
      case ServerMessage.SignedHead.TYPE ->
          new ServerMessage.SignedHead(SignedHead.parse(r.rest()));
      case ServerMessage.JoinCode1.TYPE -> new ServerMessage.JoinCode1(CodeRound1.parse(r.rest()));
      case ServerMessage.JoinCode2.TYPE -> new ServerMessage.JoinCode2(CodeRound2.parse(r.rest()));
      case ServerMessage.JoinCodeConfirm.TYPE ->
          new ServerMessage.JoinCodeConfirm(CodeConfirm.parse(r.rest()));
      case ServerMessage.E2eKeys.TYPE -> new ServerMessage.E2eKeys(r.str(), r.flag(), r.keys());
      case ServerMessage.SealedDm.TYPE -> new ServerMessage.SealedDm(r.u64(), r.str(),
          r.byteString(Member.KEY_SIZE), r.str(), r.sealedDm(), r.dmStatus(),
          r.str());
      case ServerMessage.E2eMessage.TYPE ->
          new ServerMessage.E2eMessage(r.header(), r.str(), r.roomMessage());
      default -> throw malformed("unknown message type 0x%02x", type);
    };
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

    /** A writer for a bare payload, with no type byte. */
    Writer() {}

    Writer header(EventHeader h) {
      return str(h.room()).u64(h.id()).bytes(h.head()).u64(h.time()).bytes(h.sender());
    }

    Writer payload(ServerMessage.Event event) {
      return switch (event) {
        case ServerMessage.Chat m -> str(m.from()).str(m.text());
        case ServerMessage.Joined m -> member(m.member());
        case ServerMessage.Left m -> str(m.name()).str(m.reason()).str(m.message());
        case ServerMessage.Action m -> str(m.from()).str(m.text());
        case ServerMessage.Renamed m -> str(m.oldName()).str(m.newName());
        case ServerMessage.Topic m -> str(m.by()).str(m.topic());
        case ServerMessage.E2eMessage m -> str(m.from()).blob(m.message().encode());
      };
    }

    Writer changePayload(MemberChange change) {
      return switch (change) {
        case MemberChange.Joined j -> member(j.member());
        case MemberChange.Left l -> str(l.name()).str(l.reason()).str(l.message());
      };
    }

    Writer roster(List<RosterEntry> values) {
      u16(count(values.size(), "a roster record holds at most 65,535 entries"));
      for (RosterEntry value : values) {
        member(value.member()).str(value.away());
      }
      return this;
    }

    Writer rooms(List<RoomSummary> values) {
      u16(count(values.size(), "a room list holds at most 65,535 rooms"));
      for (RoomSummary value : values) {
        str(value.room()).u32(value.members()).str(value.topic()).u8(value.endToEnd() ? 1 : 0);
      }
      return this;
    }

    Writer keys(List<E2eKeyEntry> values) {
      u16(count(values.size(), "an E2E_KEYS record holds at most 65,535 keys"));
      for (E2eKeyEntry value : values) {
        str(value.name()).raw(value.key().encode());
      }
      return this;
    }

    /** A {@code bytes} field: a u16 length, then the bytes. */
    Writer blob(byte[] value) {
      if (value.length > 0xFFFF) {
        throw new IllegalArgumentException("a bytes field holds at most 65,535 bytes");
      }
      out.u16(value.length).bytes(value);
      return this;
    }

    private static int count(int size, String tooMany) {
      if (size > 0xFFFF) {
        throw new IllegalArgumentException(tooMany);
      }
      return size;
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

    Writer changes(List<MemberChange> values) {
      if (values.size() > 0xFFFF) {
        throw new IllegalArgumentException("a list<change> holds at most 65,535 changes");
      }
      u16(values.size());
      for (MemberChange value : values) {
        switch (value) {
          case MemberChange.Joined j -> u8(MemberChange.JOINED).changePayload(j);
          case MemberChange.Left l -> u8(MemberChange.LEFT).bytes(l.key()).changePayload(l);
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

    Reader(byte[] data, int offset, int length) {
      this.in = ByteReader.of(data, offset, length);
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
      return in.read(length, StrictUtf8::decode)
          .orElseThrow(() -> malformed("the str at byte %d is not valid UTF-8", at));
    }

    long u32() throws ProtocolException {
      need(4, "u32");
      return in.u32();
    }

    Member member() throws ProtocolException {
      String name = str();
      return new Member(name, byteString(Member.KEY_SIZE));
    }

    /** A room name that must follow the rule: a server names only real rooms. */
    String room() throws ProtocolException {
      int at = in.position();
      String room = str();
      if (!RoomNames.isValid(room)) {
        throw malformed("the room name at byte %d breaks the room-name rule", at);
      }
      return room;
    }

    /** A client message id: any u64 but 0. */
    long clientId() throws ProtocolException {
      long id = u64();
      if (id == 0) {
        throw malformed("a client message id of 0");
      }
      return id;
    }

    /** An event id: 1 to 2^63 - 1 (a room never gets further). */
    long eventId() throws ProtocolException {
      long id = u64();
      if (id < 1) {
        throw malformed("an event id of 0 or above 2^63 - 1");
      }
      return id;
    }

    /** An ENTER's {@code since} or an ENTERED's {@code skipped}: 0 to 2^63 - 1. */
    long count() throws ProtocolException {
      long value = u64();
      if (value < 0) {
        throw malformed("an event id or count above 2^63 - 1");
      }
      return value;
    }

    boolean flag() throws ProtocolException {
      int flag = u8();
      if (flag > 1) {
        throw malformed("a flag of %d is neither 0 nor 1", flag);
      }
      return flag == 1;
    }

    DmStatus dmStatus() throws ProtocolException {
      int code = u8();
      return DmStatus.of(code).orElseThrow(() -> malformed("unknown DM status %d", code));
    }

    EventHeader header() throws ProtocolException {
      return new EventHeader(room(), eventId(), byteString(ChainHead.SIZE), u64(),
          byteString(EventHeader.KEY_SIZE));
    }

    /** A fixed field of {@code n} bytes, copied once. */
    ByteString byteString(int n) throws ProtocolException {
      need(n, "fixed field");
      return in.read(n, ByteString::copyOf);
    }

    List<RosterEntry> roster() throws ProtocolException {
      int count = u16();
      // each entry needs at least its name length, its key and its away length: refuse an
      // impossible count before allocating
      need(count * (2 + Member.KEY_SIZE + 2), "roster");
      List<RosterEntry> values = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        values.add(new RosterEntry(member(), str()));
      }
      return values;
    }

    List<RoomSummary> rooms() throws ProtocolException {
      int count = u16();
      // the shortest room is 2 + 2 bytes of name, 4 of members, 2 of an empty topic, 1 of flags
      need(count * 11, "room list");
      List<RoomSummary> values = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        values.add(new RoomSummary(room(), u32(), str(), flag()));
      }
      return values;
    }

    List<E2eKeyEntry> keys() throws ProtocolException {
      int count = u16();
      // each entry needs at least its name length and its key
      need(count * (2 + E2eKey.SIZE), "E2E_KEYS");
      List<E2eKeyEntry> values = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        values.add(new E2eKeyEntry(str(), e2eKey()));
      }
      return values;
    }

    /** An {@code e2e_key[140]}, parsed strictly by its own type. */
    E2eKey e2eKey() throws ProtocolException {
      return E2eKey.parse(bytes(E2eKey.SIZE));
    }

    /** A {@code bytes} field: a u16 length, then that many bytes. */
    byte[] blob() throws ProtocolException {
      int length = u16();
      need(length, "bytes");
      return in.bytes(length);
    }

    SealedDm sealedDm() throws ProtocolException {
      return SealedDm.parse(blob());
    }

    RoomMessage roomMessage() throws ProtocolException {
      return RoomMessage.parse(blob());
    }

    List<MemberChange> changes() throws ProtocolException {
      int count = u16();
      if (count == 0) {
        throw malformed("MEMBERS_CHANGED with no change");
      }
      // the shortest change is a join with an empty name: 1 + 2 + 32 bytes
      need(count * (1 + 2 + Member.KEY_SIZE), "list<change>");
      List<MemberChange> values = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int tag = u8();
        values.add(switch (tag) {
          case MemberChange.JOINED -> new MemberChange.Joined(member());
          case MemberChange.LEFT -> new MemberChange.Left(
              byteString(Member.KEY_SIZE), str(), str(), str());
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
