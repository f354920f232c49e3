package dev.lanchat.common.handshake;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteString;

/**
 * ClientHello, the first frame from client to server (protocol §2.2), 40 bytes: {@code
 * "LANCHAT" ‖ 0x02 ‖ Ce[32]}.
 *
 * @param ephemeral the client's ephemeral X25519 public key {@code Ce}
 */
public record ClientHello(ByteString ephemeral) {
  /** Size of the payload. */
  public static final int SIZE = 40;

  public ClientHello {
    ServerHello.check32(ephemeral, "Ce");
  }

  /** A hello holding a copy of the 32-byte key. */
  public ClientHello(byte[] ephemeral) {
    this(ByteString.copyOf(ephemeral, 32, "Ce"));
  }

  /**
   * Parses a ClientHello payload.
   *
   * @throws ProtocolException if its size, magic or version is wrong
   */
  public static ClientHello parse(byte[] payload) throws ProtocolException {
    Hellos.checkPrefix(payload, SIZE, "ClientHello");
    return new ClientHello(ByteReader.of(payload, Hellos.PREFIX_SIZE, 32).bytes(32));
  }

  /** The 40-byte payload. */
  public byte[] encode() {
    return Hellos.prefix(SIZE).bytes(ephemeral).toByteArray();
  }
}
