package dev.lanchat.common.handshake;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;

/**
 * ServerHello, the first frame from server to client (protocol §2.1), 104 bytes: {@code
 * "LANCHAT" ‖ 0x02 ‖ Se[32] ‖ salt[32] ‖ Si[32]}.
 *
 * @param ephemeral the server's ephemeral X25519 public key {@code Se}
 * @param salt the HKDF salt, fresh per connection
 * @param identity the server's long-term Ed25519 public key {@code Si}
 */
public record ServerHello(ByteString ephemeral, ByteString salt, ByteString identity) {
  /** Size of the payload. */
  public static final int SIZE = 104;

  public ServerHello {
    check32(ephemeral, "Se");
    check32(salt, "salt");
    check32(identity, "Si");
  }

  /** A hello holding copies of the three 32-byte values. */
  public ServerHello(byte[] ephemeral, byte[] salt, byte[] identity) {
    this(ByteString.copyOf(ephemeral, 32, "Se"), ByteString.copyOf(salt, 32, "salt"),
        ByteString.copyOf(identity, 32, "Si"));
  }

  /**
   * Parses a ServerHello payload.
   *
   * @throws ProtocolException if its size, magic or version is wrong
   */
  public static ServerHello parse(byte[] payload) throws ProtocolException {
    Hellos.checkPrefix(payload, SIZE, "ServerHello");
    ByteReader r = ByteReader.of(payload, Hellos.PREFIX_SIZE, SIZE - Hellos.PREFIX_SIZE);
    return new ServerHello(r.bytes(32), r.bytes(32), r.bytes(32));
  }

  /** The 104-byte payload. */
  public byte[] encode() {
    return Hellos.prefix(SIZE).bytes(ephemeral).bytes(salt).bytes(identity).toByteArray();
  }

  static void check32(ByteString value, String what) {
    if (value.size() != 32) {
      throw new IllegalArgumentException(what + " is 32 bytes, not " + value.size());
    }
  }
}
