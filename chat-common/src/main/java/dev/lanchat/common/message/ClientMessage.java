package dev.lanchat.common.message;

import java.util.Objects;

/** Messages a client sends to the server (protocol §4, types 0x10 to 0x15). */
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

  /** BYE (0x15): the client is leaving. */
  record Bye() implements ClientMessage {
    public static final int TYPE = 0x15;

    @Override
    public int type() {
      return TYPE;
    }
  }
}
