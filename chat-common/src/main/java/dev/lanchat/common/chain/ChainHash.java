package dev.lanchat.common.chain;

import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The two hash steps of the room chain: a room's genesis head, and the head after one more
 * event. Labels keep these hashes apart from every other SHA-256 in the protocol.
 */
public final class ChainHash {
  /** Size of a head: one SHA-256 (the value lives with {@link ChainHead}). */
  public static final int SIZE = ChainHead.SIZE;

  private static final byte[] GENESIS_LABEL =
      "lanchat v2 room genesis".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHAIN_LABEL =
      "lanchat v2 room chain".getBytes(StandardCharsets.US_ASCII);

  private ChainHash() {}

  /** {@code head_0 = SHA-256("lanchat v2 room genesis" ‖ room: str)}. */
  public static ChainHead genesis(String room) {
    byte[] name = RoomNames.check(room).getBytes(StandardCharsets.US_ASCII);
    MessageDigest sha = sha256();
    sha.update(GENESIS_LABEL);
    sha.update(new ByteWriter(2).u16(name.length).toByteArray());
    sha.update(name);
    return new ChainHead(room, 0, ByteString.copyOf(sha.digest()));
  }

  /**
   * {@code head_n = SHA-256("lanchat v2 room chain" ‖ head_{n-1} ‖ canonical(event_n))}.
   *
   * @throws IllegalArgumentException when {@code previous} is not 32 bytes
   */
  public static ByteString next(ByteString previous, RoomEvent event) {
    if (previous.size() != SIZE) {
      throw new IllegalArgumentException("a head is 32 bytes, not " + previous.size());
    }
    MessageDigest sha = sha256();
    sha.update(CHAIN_LABEL);
    sha.update(previous.toByteArray());
    sha.update(event.canonical());
    return ByteString.copyOf(sha.digest());
  }

  /** The head after {@code event}, chained on {@code previous}: a convenience for servers. */
  public static ChainHead after(ChainHead previous, RoomEvent event) {
    if (!previous.room().equals(event.room()) || event.id() != previous.id() + 1) {
      throw new IllegalArgumentException("event " + event.id() + " of " + event.room()
          + " does not follow event " + previous.id() + " of " + previous.room());
    }
    return new ChainHead(event.room(), event.id(), next(previous.head(), event));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
