package dev.lanchat.common.handshake;

import dev.lanchat.common.ProtocolException;
import java.util.Arrays;

/**
 * ServerHello, the first frame from server to client (protocol §2.1), 104 bytes: {@code
 * "LANCHAT" ‖ 0x01 ‖ Se[32] ‖ salt[32] ‖ Si[32]}.
 *
 * @param ephemeral the server's ephemeral X25519 public key {@code Se}
 * @param salt the HKDF salt, fresh per connection
 * @param identity the server's long-term Ed25519 public key {@code Si}
 */
public record ServerHello(byte[] ephemeral, byte[] salt, byte[] identity) {
  /** Size of the payload. */
  public static final int SIZE = 104;

  public ServerHello {
    ephemeral = copy32(ephemeral, "Se");
    salt = copy32(salt, "salt");
    identity = copy32(identity, "Si");
  }

  /**
   * Parses a ServerHello payload.
   *
   * @throws ProtocolException if its size, magic or version is wrong
   */
  public static ServerHello parse(byte[] payload) throws ProtocolException {
    Hellos.checkPrefix(payload, SIZE, "ServerHello");
    return new ServerHello(
        Arrays.copyOfRange(payload, 8, 40),
        Arrays.copyOfRange(payload, 40, 72),
        Arrays.copyOfRange(payload, 72, 104));
  }

  /** The 104-byte payload. */
  public byte[] encode() {
    byte[] out = new byte[SIZE];
    Hellos.putPrefix(out);
    System.arraycopy(ephemeral, 0, out, 8, 32);
    System.arraycopy(salt, 0, out, 40, 32);
    System.arraycopy(identity, 0, out, 72, 32);
    return out;
  }

  @Override
  public byte[] ephemeral() {
    return ephemeral.clone();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] identity() {
    return identity.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServerHello other && Arrays.equals(encode(), other.encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "ServerHello[" + java.util.HexFormat.of().formatHex(encode()) + "]";
  }

  static byte[] copy32(byte[] value, String what) {
    if (value.length != 32) {
      throw new IllegalArgumentException(what + " is 32 bytes, not " + value.length);
    }
    return value.clone();
  }
}
