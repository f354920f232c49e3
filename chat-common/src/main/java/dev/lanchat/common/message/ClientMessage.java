package dev.lanchat.common.message;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.pake.ClientCodeRound1;
import dev.lanchat.common.pake.CodeConfirm;
import dev.lanchat.common.pake.CodeRound2;
import java.util.Objects;

/**
 * Messages a client sends to the server (protocol §4.2, types 0x10 to 0x19, 0x1B to 0x1F and 0x40
 * to 0x47; 0x1A, KEY_UPDATE, belongs to the record layer and never reaches this layer).
 */
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

  /**
   * SAY (0x11): a line for {@code room}; {@code id} is the client message id (not 0, unique per
   * client key) by which the server drops a repeat.
   */
  record Say(long id, String room, String text) implements ClientMessage {
    public static final int TYPE = 0x11;

    public Say {
      checkId(id);
      Objects.requireNonNull(room, "room");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** DM (0x12): a private line for the user {@code to}; {@code id} as for {@link Say}. */
  record Dm(long id, String to, String text) implements ClientMessage {
    public static final int TYPE = 0x12;

    public Dm {
      checkId(id);
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** WHO (0x13): ask for the roster of {@code room}. */
  record Who(String room) implements ClientMessage {
    public static final int TYPE = 0x13;

    public Who {
      Objects.requireNonNull(room, "room");
    }

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

  /** SIGNED_HEAD (0x1B): the client's signed head of a room, for the room's other members. */
  record SignedHead(dev.lanchat.common.chain.SignedHead head) implements ClientMessage {
    public static final int TYPE = 0x1B;

    public SignedHead {
      Objects.requireNonNull(head, "head");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * ENTER (0x40): enter {@code room}; {@code since} is 0 for a newcomer (context) or the last
   * event id this client saw there (catch-up), a u64 below 2^63; {@code endToEnd} (bit 0 of
   * its flags) asks for a new room to be created end-to-end.
   */
  record Enter(String room, long since, boolean endToEnd) implements ClientMessage {
    public static final int TYPE = 0x40;

    public Enter {
      Objects.requireNonNull(room, "room");
      if (since < 0) {
        throw new IllegalArgumentException("since fits in 63 bits");
      }
    }

    /** ENTER with no flags: the room, if new, is not end-to-end. */
    public Enter(String room, long since) {
      this(room, since, false);
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** PART (0x41): leave {@code room} with a parting line (a short text, empty for none). */
  record Part(String room, String message) implements ClientMessage {
    public static final int TYPE = 0x41;

    public Part {
      Objects.requireNonNull(room, "room");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * ME (0x42): an action ({@code /me}) for {@code room}; {@code id} as for {@link Say}.
   */
  record Me(long id, String room, String text) implements ClientMessage {
    public static final int TYPE = 0x42;

    public Me {
      checkId(id);
      Objects.requireNonNull(room, "room");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** NICK (0x43): rename this client's key to {@code name}. */
  record Nick(String name) implements ClientMessage {
    public static final int TYPE = 0x43;

    public Nick {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** TOPIC (0x44): set the topic of {@code room} (a short text; empty clears it). */
  record Topic(String room, String topic) implements ClientMessage {
    public static final int TYPE = 0x44;

    public Topic {
      Objects.requireNonNull(room, "room");
      Objects.requireNonNull(topic, "topic");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** AWAY (0x45): mark this client away with {@code text} (a short text; empty: back). */
  record Away(String text) implements ClientMessage {
    public static final int TYPE = 0x45;

    public Away {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** ROOMS (0x46): ask for the list of rooms with members. */
  record Rooms() implements ClientMessage {
    public static final int TYPE = 0x46;

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * BATCH_OK (0x47): this client reads BATCH records (protocol §5.13), so the server may pack
   * the messages it has queued for it into one record from now on.
   */
  record BatchOk() implements ClientMessage {
    public static final int TYPE = 0x47;

    @Override
    public int type() {
      return TYPE;
    }
  }

  /** Refuses a client message id of 0; any other u64 (a negative long) is an id. */
  private static void checkId(long id) {
    if (id == 0) {
      throw new IllegalArgumentException("a client message id is never 0");
    }
  }

  /** E2E_KEY (0x1C): publish this client's current end-to-end key ("End-to-end layer"). */
  record E2eKey(dev.lanchat.common.e2e.E2eKey key) implements ClientMessage {
    public static final int TYPE = 0x1C;

    public E2eKey {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * E2E_KEYS_GET (0x1D): ask for end-to-end keys; {@code target} is a room name (the keys of its
   * members) or a user name (that user's key).
   */
  record E2eKeysGet(String target) implements ClientMessage {
    public static final int TYPE = 0x1D;

    public E2eKeysGet {
      Objects.requireNonNull(target, "target");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * SEALED_DM (0x1E): a DM sealed to the user {@code to}, opaque to the server; {@code id} as
   * for {@link Say}.
   */
  record SealedDm(long id, String to, dev.lanchat.common.e2e.SealedDm sealed)
      implements ClientMessage {
    public static final int TYPE = 0x1E;

    public SealedDm {
      checkId(id);
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(sealed, "sealed");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }

  /**
   * E2E_SAY (0x1F): a line for an end-to-end {@code room}, encrypted by the sender's chain and
   * opaque to the server; {@code id} as for {@link Say}.
   */
  record E2eSay(long id, String room, dev.lanchat.common.e2e.RoomMessage message)
      implements ClientMessage {
    public static final int TYPE = 0x1F;

    public E2eSay {
      checkId(id);
      Objects.requireNonNull(room, "room");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public int type() {
      return TYPE;
    }
  }
}
