package dev.lanchat.common.discovery;

import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * A LAN discovery request (protocol §8), broadcast by a client over UDP: {@code "LANCHAT?" ‖
 * 0x01 ‖ nonce[32]}, zero-padded to exactly 160 bytes so that no reply is ever larger than the
 * request that caused it.
 *
 * <p>What a server accepts, decided here once for every server: a datagram of exactly 160
 * bytes whose first 9 bytes are {@code "LANCHAT?" ‖ 0x01}. Anything shorter, anything whose
 * first 9 bytes differ (another program, another version, a reply reflected back at us) and
 * anything longer (not a version 1 request; answering it would let a sender choose our reply
 * rate by the byte) gets no reply. The padding is not checked: the page says only that a
 * request is zero-padded, the padding carries no meaning, and a reply is no larger whatever
 * it holds.
 *
 * <p>Immutable and thread-safe.
 *
 * @param nonce 32 fresh random bytes that the server's reply signs
 */
public record DiscoveryRequest(ByteString nonce) {
  /** Size of every request datagram. */
  public static final int SIZE = 160;

  /** Size of the nonce. */
  public static final int NONCE_SIZE = 32;

  static final byte[] MAGIC = "LANCHAT?".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 0x01;
  private static final int NONCE_OFFSET = MAGIC.length + 1;

  public DiscoveryRequest {
    if (nonce.size() != NONCE_SIZE) {
      throw new IllegalArgumentException("a discovery nonce is 32 bytes, not " + nonce.size());
    }
  }

  /** A request holding a copy of the 32-byte {@code nonce}. */
  public DiscoveryRequest(byte[] nonce) {
    this(ByteString.copyOf(nonce, NONCE_SIZE, "a discovery nonce"));
  }

  /** A request with a fresh random nonce. */
  public static DiscoveryRequest random(SecureRandom random) {
    byte[] nonce = new byte[NONCE_SIZE];
    random.nextBytes(nonce);
    return new DiscoveryRequest(nonce);
  }

  /**
   * The request in the first {@code length} bytes of {@code datagram}, or empty when a server
   * must ignore the datagram: its length is not exactly 160 or its first 9 bytes are not {@code
   * "LANCHAT?" ‖ 0x01}.
   */
  public static Optional<DiscoveryRequest> parse(byte[] datagram, int length) {
    if (length != SIZE || datagram.length < SIZE
        || !Arrays.equals(datagram, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
        || (datagram[MAGIC.length] & 0xFF) != VERSION) {
      return Optional.empty();
    }
    return Optional.of(new DiscoveryRequest(
        ByteReader.of(datagram, NONCE_OFFSET, NONCE_SIZE).bytes(NONCE_SIZE)));
  }

  /** The 160-byte datagram: {@code "LANCHAT?" ‖ 0x01 ‖ nonce ‖ zero padding}. */
  public byte[] encode() {
    ByteWriter out = new ByteWriter(SIZE).bytes(MAGIC).u8(VERSION).bytes(nonce);
    return out.zeros(SIZE - out.size()).toByteArray();
  }
}
