package dev.lanchat.common.handshake;

import dev.lanchat.common.ProtocolException;
import java.util.Arrays;

/**
 * ClientHello, the first frame from client to server (protocol §2.2), 40 bytes: {@code
 * "LANCHAT" ‖ 0x01 ‖ Ce[32]}.
 *
 * @param ephemeral the client's ephemeral X25519 public key {@code Ce}
 */
public record ClientHello(byte[] ephemeral) {
  /** Size of the payload. */
  public static final int SIZE = 40;

  public ClientHello {
    ephemeral = ServerHello.copy32(ephemeral, "Ce");
  }

  /**
   * Parses a ClientHello payload.
   *
   * @throws ProtocolException if its size, magic or version is wrong
   */
  public static ClientHello parse(byte[] payload) throws ProtocolException {
    Hellos.checkPrefix(payload, SIZE, "ClientHello");
    return new ClientHello(Arrays.copyOfRange(payload, 8, 40));
  }

  /** The 40-byte payload. */
  public byte[] encode() {
    byte[] out = new byte[SIZE];
    Hellos.putPrefix(out);
    System.arraycopy(ephemeral, 0, out, 8, 32);
    return out;
  }

  @Override
  public byte[] ephemeral() {
    return ephemeral.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientHello other && Arrays.equals(ephemeral, other.ephemeral);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ephemeral);
  }

  @Override
  public String toString() {
    return "ClientHello[" + java.util.HexFormat.of().formatHex(encode()) + "]";
  }
}
