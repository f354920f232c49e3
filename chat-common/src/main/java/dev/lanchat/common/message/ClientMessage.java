package dev.lanchat.common.message;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.pake.ClientCodeRound1;
import dev.lanchat.common.pake.CodeConfirm;
import dev.lanchat.common.pake.CodeRound2;
import java.util.Objects;

/** Messages a client sends to the server (protocol §4.2, types 0x10 to 0x19). */
public sealed interface ClientMessage extends Message {

  /** JOIN (0x10): ask to join the room under {@code name}. */
  record Join(String name) implements ClientMessage {
    public static final int TYPE = 0x10;

    public Join {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** SAY (0x11): a line for everyone. */
  record Say(String text) implements ClientMessage {
    public static final int TYPE = 0x11;

    public Say {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** DM (0x12): a private line for the user {@code to}. */
  record Dm(String to, String text) implements ClientMessage {
    public static final int TYPE = 0x12;

    public Dm {
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** WHO (0x13): ask for the roster. */
  record Who() implements ClientMessage {
    public static final int TYPE = 0x13;

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** PING (0x14): the server answers PONG with the same token. */
  record Ping(long token) implements ClientMessage {
    public static final int TYPE = 0x14;

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * BYE (0x15): the client is leaving; {@code message} is its parting line (the /quit message),
   * empty for none.
   */
  record Bye(String message) implements ClientMessage {
    public static final int TYPE = 0x15;

    public Bye {
      Objects.requireNonNull(message, "message");
    }

    /** BYE without a parting line. */
    public Bye() {
      this("");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * CLIENT_AUTH (0x16): the client's Ed25519 public key {@code Ci} and its signature over {@code
   * "lanchat v2 client auth" ‖ th} (protocol §2.5); always the client's record 0.
   */
  record ClientAuth(ByteString key, ByteString sig) implements ClientMessage {
    public static final int TYPE = 0x16;
    public static final int KEY_SIZE = 32;
    public static final int SIG_SIZE = 64;

    public ClientAuth {
      if (key.size() != KEY_SIZE) {
        throw new IllegalArgumentException("CLIENT_AUTH carries a 32-byte key");
      }
      if (sig.size() != SIG_SIZE) {
        throw new IllegalArgumentException("CLIENT_AUTH carries a 64-byte signature");
      }
    }

    /** CLIENT_AUTH holding copies of {@code key} and {@code sig}. */
    public ClientAuth(byte[] key, byte[] sig) {
      this(ByteString.copyOf(key), ByteString.copyOf(sig));
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * JOIN_CODE_1 (0x17): the client's round 1 of the join-code exchange, naming the invite number
   * (protocol, "Join codes"); only between CLIENT_AUTH and JOIN.
   */
  record JoinCode1(ClientCodeRound1 round) implements ClientMessage {
    public static final int TYPE = 0x17;

    public JoinCode1 {
      Objects.requireNonNull(round, "round");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** JOIN_CODE_2 (0x18): the client's round 2 of the join-code exchange. */
  record JoinCode2(CodeRound2 round) implements ClientMessage {
    public static final int TYPE = 0x18;

    public JoinCode2 {
      Objects.requireNonNull(round, "round");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** JOIN_CODE_CONFIRM (0x19): the client's key confirmation, {@code client_confirm}. */
  record JoinCodeConfirm(CodeConfirm confirm) implements ClientMessage {
    public static final int TYPE = 0x19;

    public JoinCodeConfirm {
      Objects.requireNonNull(confirm, "confirm");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }
}
