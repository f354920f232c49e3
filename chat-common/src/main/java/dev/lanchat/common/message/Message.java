package dev.lanchat.common.message;

/**
 * The plaintext of one record (protocol §4): {@code u8 type ‖ fields}. A message is either
 * something a client sends ({@link ClientMessage}) or something a server sends ({@link
 * ServerMessage}); {@link MessageCodec} turns both into bytes and back.
 */
public sealed interface Message permits ClientMessage, ServerMessage {
  /** The type byte of this message on the wire. */
  int type();
}
