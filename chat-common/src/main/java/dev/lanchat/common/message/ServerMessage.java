package dev.lanchat.common.message;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.pake.CodeConfirm;
import dev.lanchat.common.pake.CodeRound1;
import dev.lanchat.common.pake.CodeRound2;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Messages the server sends to a client (protocol §4.3, types 0x01, 0x20 to 0x2B and 0x31). */
public sealed interface ServerMessage extends Message {

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
   * WELCOME (0x20): joined as {@code name} on the server called {@code server}; {@code rate} is
   * the sustained per-client message limit in thousandths of a message a second (0: none) and
   * {@code burst} the bucket size in messages, both u32; {@code members} is everyone joined, you
   * included.
   */
  record Welcome(String name, String server, String motd, long rate, long burst,
      List<Member> members) implements ServerMessage {
    public static final int TYPE = 0x20;
    /** Largest value of a u32 field. */
    public static final long MAX_U32 = 0xFFFF_FFFFL;

    public Welcome {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(server, "server");
      Objects.requireNonNull(motd, "motd");
      if (rate < 0 || rate > MAX_U32 || burst < 0 || burst > MAX_U32) {
        throw new IllegalArgumentException("rate and burst are u32");
      }
      members = List.copyOf(members);
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** MESSAGE (0x21): {@code from} said {@code text} to everyone at {@code time}. */
  record Chat(long time, String from, String text) implements ServerMessage {
    public static final int TYPE = 0x21;

    public Chat {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** JOINED (0x22): {@code member} joined. */
  record Joined(long time, Member member) implements ServerMessage {
    public static final int TYPE = 0x22;

    public Joined {
      Objects.requireNonNull(member, "member");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * LEFT (0x23): {@code name} left; {@code reason} is empty for a normal leave, {@code message}
   * is the leaver's BYE line (empty if none).
   */
  record Left(long time, String name, String reason, String message) implements ServerMessage {
    public static final int TYPE = 0x23;

    public Left {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** DM (0x24): a private line from {@code from} to {@code to}, canonical names. */
  record Dm(long time, String from, String to, String text) implements ServerMessage {
    public static final int TYPE = 0x24;

    public Dm {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** ROSTER (0x25): everyone joined, with their keys. */
  record Roster(List<Member> members) implements ServerMessage {
    public static final int TYPE = 0x25;

    public Roster {
      members = List.copyOf(members);
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
   * MEMBERS_CHANGED (0x31): several membership changes of one room, in the order they happened,
   * sent as one event at {@code time}. When {@code welcomeRest} is true it carries only joins:
   * the members a WELCOME had no room for, which the client adds without announcing them.
   */
  record MembersChanged(long time, boolean welcomeRest, List<MemberChange> changes)
      implements ServerMessage {
    public static final int TYPE = 0x31;

    public MembersChanged {
      changes = List.copyOf(changes);
      if (changes.isEmpty()) {
        throw new IllegalArgumentException("MEMBERS_CHANGED carries at least one change");
      }
      if (welcomeRest && !changes.stream().allMatch(MemberChange.Joined.class::isInstance)) {
        throw new IllegalArgumentException("the rest of a WELCOME carries only joins");
      }
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
}
