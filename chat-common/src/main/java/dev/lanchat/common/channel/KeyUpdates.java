package dev.lanchat.common.channel;

import java.util.Objects;

/**
 * How one side of a connection updates its keys (protocol "Key update"): the one-byte
 * KEY_UPDATE record it sends before it switches its own direction, the one it expects from the
 * peer before the peer's direction switches, and when it updates by itself.
 *
 * <p>KEY_UPDATE is a message with a type byte and no fields, but it belongs to the record layer,
 * as TLS 1.3's does: the channel consumes it and the message layer never sees it. Its type
 * numbers are fixed here, once, so the channel needs nothing from the message package.
 *
 * @param sendType the type byte of the KEY_UPDATE this side sends
 * @param receiveType the type byte of the KEY_UPDATE the peer sends
 * @param policy when this side updates its sending key by itself
 */
public record KeyUpdates(byte sendType, byte receiveType, KeyUpdatePolicy policy) {
  /** KEY_UPDATE, client to server. */
  public static final byte CLIENT_KEY_UPDATE = 0x1A;

  /** KEY_UPDATE, server to client. */
  public static final byte SERVER_KEY_UPDATE = 0x2C;

  /**
   * KEY_UPDATE records a receiver accepts in a row, with no other record between them. A sender
   * never needs more than one before a record, so a run longer than this is a peer making us
   * derive keys for nothing.
   */
  public static final int MAX_IN_A_ROW = 16;

  public KeyUpdates {
    Objects.requireNonNull(policy, "policy");
    if (sendType == receiveType) {
      throw new IllegalArgumentException("the two directions use different KEY_UPDATE types");
    }
  }

  /** A client's rules: it sends 0x1A and expects 0x2C. */
  public static KeyUpdates client(KeyUpdatePolicy policy) {
    return new KeyUpdates(CLIENT_KEY_UPDATE, SERVER_KEY_UPDATE, policy);
  }

  /** A server's rules: it sends 0x2C and expects 0x1A. */
  public static KeyUpdates server(KeyUpdatePolicy policy) {
    return new KeyUpdates(SERVER_KEY_UPDATE, CLIENT_KEY_UPDATE, policy);
  }

  /** The plaintext of this side's KEY_UPDATE record. */
  byte[] sendPlaintext() {
    return new byte[] {sendType};
  }

  /** True when {@code plaintext} is exactly the peer's KEY_UPDATE. */
  boolean isPeerUpdate(byte[] plaintext) {
    return plaintext.length == 1 && plaintext[0] == receiveType;
  }
}
