package dev.lanchat.common.e2e;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.crypto.Bytes;
import java.nio.charset.StandardCharsets;

/**
 * A member's sending chain of a room as handed to another member, always inside a sealed DM
 * ({@link DmContent#SENDER_KEY}): {@code room: str ‖ epoch: u32 ‖ counter: u32 ‖ chain_key[32]}.
 * The sender is the DM's signer, so nobody but that member can hand out its chain.
 */
final class SenderKeyDistribution {
  private SenderKeyDistribution() {}

  /** A parsed distribution; {@code chainKey} is the caller's to wipe. */
  record Parsed(String room, long epoch, long counter, byte[] chainKey) {}

  static byte[] encode(String room, SenderChain chain) {
    byte[] name = room.getBytes(StandardCharsets.US_ASCII);
    byte[] key = chain.chainKey();
    try {
      return new ByteWriter(2 + name.length + 8 + 32).u16(name.length).bytes(name)
          .u32(chain.epoch()).u32(chain.counter()).bytes(key).toByteArray();
    } finally {
      Bytes.wipe(key);
    }
  }

  /**
   * Reads a distribution strictly.
   *
   * @throws ProtocolException ({@link Reason#MALFORMED_MESSAGE}) when it is not exactly one
   */
  static Parsed parse(byte[] body) throws ProtocolException {
    ByteReader in = ByteReader.of(body);
    if (in.remaining() < 2) {
      throw malformed();
    }
    int length = in.u16();
    if (length < 2 || length > RoomNames.MAX_LENGTH || in.remaining() != length + 8 + 32) {
      throw malformed();
    }
    String room = new String(in.bytes(length), StandardCharsets.US_ASCII);
    if (!RoomNames.isValid(room)) {
      throw malformed();
    }
    long epoch = in.u32();
    long counter = in.u32();
    if (counter < 1) {
      throw malformed();
    }
    return new Parsed(room, epoch, counter, in.bytes(32));
  }

  private static ProtocolException malformed() {
    return new ProtocolException(Reason.MALFORMED_MESSAGE,
        "a sender key was refused: it is not a room, an epoch, a counter and a key");
  }
}
