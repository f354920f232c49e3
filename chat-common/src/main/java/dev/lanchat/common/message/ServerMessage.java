package dev.lanchat.common.message;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.chain.ChainHead;
import dev.lanchat.common.pake.CodeConfirm;
import dev.lanchat.common.pake.CodeRound1;
import dev.lanchat.common.pake.CodeRound2;
import dev.lanchat.common.rules.RoomNames;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Messages the server sends to a client (protocol §4.3, types 0x01, 0x20 to 0x2B and 0x2D to
 * 0x36; 0x2C, KEY_UPDATE, belongs to the record layer and never reaches this layer, and 0x37,
 * BATCH, to the message channel: see {@link Batch}).
 */
public sealed interface ServerMessage extends Message {
  /** Largest value of a u32 field. */
  long MAX_U32 = ByteWriter.MAX_U32;

  /** SERVER_AUTH (0x01): the server's signature over the transcript; always record 0. */
  record ServerAuth(ByteString sig) implements ServerMessage {
    public static final int TYPE = 0x01;
    public static final int SIG_SIZE = 64;

    public ServerAuth {
      if (sig.size() != SIG_SIZE) {
        throw new IllegalArgumentException("SERVER_AUTH carries a 64-byte signature");
      }
    }

    /** SERVER_AUTH holding a copy of {@code sig}. */
    public ServerAuth(byte[] sig) {
      this(ByteString.copyOf(sig));
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * WELCOME (0x20): logged in as {@code name} on the server called {@code server}, in no room
   * yet; {@code rate} is the sustained per-client message limit in thousandths of a message a
   * second (0: none) and {@code burst} the bucket size in messages, both u32; {@code maxRooms}
   * (u16) is how many rooms this client may be in at once.
   */
  record Welcome(String name, String server, String motd, long rate, long burst, int maxRooms)
      implements ServerMessage {
    public static final int TYPE = 0x20;

    public Welcome {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(server, "server");
      Objects.requireNonNull(motd, "motd");
      if (rate < 0 || rate > MAX_U32 || burst < 0 || burst > MAX_U32) {
        throw new IllegalArgumentException("rate and burst are u32");
      }
      if (maxRooms < 0 || maxRooms > 0xFFFF) {
        throw new IllegalArgumentException("max_rooms is a u16");
      }
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * A room event (protocol §4.3, "Event envelope"): an {@link EventHeader} and the type's payload.
   * {@link ChainEvents} gives it as the room chain hashes it, from exactly the bytes on the wire.
   */
  sealed interface Event extends ServerMessage {
    /** The envelope: room, event id, head after this event, time, sender. */
    EventHeader event();
  }

  /** MESSAGE (0x21): {@code from} said {@code text} in the event's room. */
  record Chat(EventHeader event, String from, String text) implements Event {
    public static final int TYPE = 0x21;

    public Chat {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(text, "text");
    }

    /** The event's time, from its envelope. */
    public long time() {
      return event.time();
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** JOINED (0x22): {@code member} entered the event's room. */
  record Joined(EventHeader event, Member member) implements Event {
    public static final int TYPE = 0x22;

    public Joined {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(member, "member");
    }

    /** The event's time, from its envelope. */
    public long time() {
      return event.time();
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * LEFT (0x23): {@code name} left the event's room; {@code reason} is empty after BYE and
   * {@code "parted"} after PART, {@code message} is the leaver's BYE or PART line (empty if none).
   */
  record Left(EventHeader event, String name, String reason, String message) implements Event {
    public static final int TYPE = 0x23;
    /** The reason of a LEFT caused by PART. */
    public static final String PARTED = "parted";

    public Left {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    /** The event's time, from its envelope. */
    public long time() {
      return event.time();
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** ACTION (0x32): {@code from} did {@code text} ({@code /me}) in the event's room. */
  record Action(EventHeader event, String from, String text) implements Event {
    public static final int TYPE = 0x32;

    public Action {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** RENAMED (0x33): the member once called {@code oldName} is now {@code newName}. */
  record Renamed(EventHeader event, String oldName, String newName) implements Event {
    public static final int TYPE = 0x33;

    public Renamed {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(oldName, "oldName");
      Objects.requireNonNull(newName, "newName");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** TOPIC (0x34): {@code by} set the room's topic to {@code topic} (empty: cleared). */
  record Topic(EventHeader event, String by, String topic) implements Event {
    public static final int TYPE = 0x34;

    public Topic {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(by, "by");
      Objects.requireNonNull(topic, "topic");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * DM (0x24): a private line from {@code from} to {@code to}, canonical names, sent at {@code
   * time}; {@code status} says how it was delivered and {@code note} is the recipient's away
   * text when the status is {@link DmStatus#AWAY}, empty otherwise.
   */
  record Dm(long time, String from, String to, String text, DmStatus status, String note)
      implements ServerMessage {
    public static final int TYPE = 0x24;

    public Dm {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(note, "note");
    }

    /** A DM delivered live, with no note. */
    public Dm(long time, String from, String to, String text) {
      this(time, from, to, text, DmStatus.DELIVERED, "");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * ROSTER (0x25): members of {@code room} in join order with their away texts; {@code more}
   * is true on every record of a paged roster but the last.
   */
  record Roster(String room, boolean more, List<RosterEntry> entries) implements ServerMessage {
    public static final int TYPE = 0x25;

    public Roster {
      RoomNames.check(room);
      entries = List.copyOf(entries);
    }

    /** The members listed, without their away texts. */
    public List<Member> members() {
      return entries.stream().map(RosterEntry::member).toList();
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * ENTERED (0x35): the answer to ENTER; {@code members} (u32) counts the room's members, the
   * new one included, exactly {@code history} (u32) event messages of the room follow the
   * ROSTER records, and {@code skipped} (u64) events between {@code since} and the first of
   * them were left out; {@code endToEnd} (bit 0 of its flags) says the room is end-to-end.
   */
  record Entered(String room, String topic, long members, long history, long skipped,
      boolean endToEnd) implements ServerMessage {
    public static final int TYPE = 0x35;

    public Entered {
      RoomNames.check(room);
      Objects.requireNonNull(topic, "topic");
      if (members < 0 || members > MAX_U32 || history < 0 || history > MAX_U32) {
        throw new IllegalArgumentException("members and history are u32");
      }
      if (skipped < 0) {
        throw new IllegalArgumentException("skipped fits in 63 bits");
      }
    }

    /** ENTERED of a room that is not end-to-end. */
    public Entered(String room, String topic, long members, long history, long skipped) {
      this(room, topic, members, history, skipped, false);
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** ROOM_LIST (0x36): the rooms with members, sorted by name. */
  record RoomList(List<RoomSummary> rooms) implements ServerMessage {
    public static final int TYPE = 0x36;

    public RoomList {
      rooms = List.copyOf(rooms);
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** SIGNED_HEAD (0x2D): a member's signed head of a room, relayed from its SIGNED_HEAD. */
  record SignedHead(dev.lanchat.common.chain.SignedHead head) implements ServerMessage {
    public static final int TYPE = 0x2D;

    public SignedHead {
      Objects.requireNonNull(head, "head");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** PONG (0x26): the answer to PING, with its token. */
  record Pong(long token) implements ServerMessage {
    public static final int TYPE = 0x26;

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** ERROR (0x27): a refused request; {@code code} is a u16, {@code text} is for people. */
  record Error(int code, String text) implements ServerMessage {
    public static final int TYPE = 0x27;

    public Error {
      if (code < 0 || code > 0xFFFF) {
        throw new IllegalArgumentException("an error code is a u16");
      }
      Objects.requireNonNull(text, "text");
    }

    public Error(ErrorCode code, String text) {
      this(code.code(), text);
    }

    /** The code as a known {@link ErrorCode}, if this version knows it. */
    public Optional<ErrorCode> errorCode() {
      return ErrorCode.of(code);
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * MEMBERS_CHANGED (0x31): several membership changes of {@code room}, in the order they
   * happened, sent together at {@code time}. Change i is the room event with id {@code firstId +
   * i}; {@code head} is the chain head after the last of them.
   */
  record MembersChanged(String room, long firstId, ByteString head, long time,
      List<MemberChange> changes) implements ServerMessage {
    public static final int TYPE = 0x31;

    public MembersChanged {
      RoomNames.check(room);
      Objects.requireNonNull(head, "head");
      if (head.size() != ChainHead.SIZE) {
        throw new IllegalArgumentException("a head is 32 bytes");
      }
      changes = List.copyOf(changes);
      if (changes.isEmpty()) {
        throw new IllegalArgumentException("MEMBERS_CHANGED carries at least one change");
      }
      if (firstId < 1 || firstId + changes.size() - 1 < firstId) {
        throw new IllegalArgumentException("the changes' event ids run from 1 to 2^63 - 1");
      }
    }

    /** The id of the last change: the event the carried head is after. */
    public long lastId() {
      return firstId + changes.size() - 1;
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** BYE (0x28): the server is closing this connection, for {@code reason}. */
  record Bye(String reason) implements ServerMessage {
    public static final int TYPE = 0x28;

    public Bye {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** JOIN_CODE_1 (0x29): the server's round 1 of the join-code exchange. */
  record JoinCode1(CodeRound1 round) implements ServerMessage {
    public static final int TYPE = 0x29;

    public JoinCode1 {
      Objects.requireNonNull(round, "round");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** JOIN_CODE_2 (0x2A): the server's round 2 of the join-code exchange. */
  record JoinCode2(CodeRound2 round) implements ServerMessage {
    public static final int TYPE = 0x2A;

    public JoinCode2 {
      Objects.requireNonNull(round, "round");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * JOIN_CODE_CONFIRM (0x2B): the server's key confirmation, {@code server_confirm}, sent only
   * when the client's confirmation matched.
   */
  record JoinCodeConfirm(CodeConfirm confirm) implements ServerMessage {
    public static final int TYPE = 0x2B;

    public JoinCodeConfirm {
      Objects.requireNonNull(confirm, "confirm");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * E2E_KEYS (0x2E): the end-to-end keys asked for by E2E_KEYS_GET {@code target}; {@code more}
   * is true on every record of a paged answer but the last.
   */
  record E2eKeys(String target, boolean more, List<E2eKeyEntry> entries)
      implements ServerMessage {
    public static final int TYPE = 0x2E;

    public E2eKeys {
      Objects.requireNonNull(target, "target");
      entries = List.copyOf(entries);
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * SEALED_DM (0x2F): a DM sealed to {@code to}, from {@code from} whose identity is {@code
   * fromKey}; {@code status} and {@code note} as for {@link Dm}.
   */
  record SealedDm(long time, String from, ByteString fromKey, String to,
      dev.lanchat.common.e2e.SealedDm sealed, DmStatus status, String note)
      implements ServerMessage {
    public static final int TYPE = 0x2F;

    public SealedDm {
      Objects.requireNonNull(from, "from");
      if (fromKey.size() != Member.KEY_SIZE) {
        throw new IllegalArgumentException("from_key is 32 bytes");
      }
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(sealed, "sealed");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(note, "note");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * E2E_MESSAGE (0x30): {@code from} said something in an end-to-end room, encrypted by its
   * chain; a room event whose payload is {@code from ‖ room_message}.
   */
  record E2eMessage(EventHeader event, String from, dev.lanchat.common.e2e.RoomMessage message)
      implements Event {
    public static final int TYPE = 0x30;

    public E2eMessage {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }
}
