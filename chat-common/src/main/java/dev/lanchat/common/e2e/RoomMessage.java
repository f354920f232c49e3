package dev.lanchat.common.e2e;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import java.util.Objects;

/**
 * One end-to-end room message as the server stores, chains and relays it:
 * {@code epoch: u32 ‖ counter: u32 ‖ ct ‖ sig[64]}. {@code ct} is the text under the sender's
 * message key (ChaCha20-Poly1305, tag included) and {@code sig} the sender's identity signature
 * over the header and {@code ct} (see {@link E2eRoom}).
 *
 * @param epoch the sender's chain epoch
 * @param counter the message's counter in that chain, from 1
 * @param ciphertext the encrypted text
 * @param signature the sender's signature
 */
public record RoomMessage(long epoch, long counter, ByteString ciphertext, ByteString signature) {
  /** Largest encoded message: a 4,096-byte text with room to spare, inside one record. */
  public static final int MAX_SIZE = 16_384;

  private static final int TAG = 16;

  /**
   * Checks the sizes.
   *
   * @throws IllegalArgumentException when a field is out of range
   */
  public RoomMessage {
    Objects.requireNonNull(ciphertext, "ciphertext");
    Objects.requireNonNull(signature, "signature");
    if (epoch < 0 || epoch > 0xFFFF_FFFFL || counter < 1 || counter > 0xFFFF_FFFFL
        || ciphertext.size() < TAG || signature.size() != 64
        || encodedSize(ciphertext) > MAX_SIZE) {
      throw new IllegalArgumentException("not a room message");
    }
  }

  /** The size of the encoded form, in bytes. */
  public int encodedSize() {
    return encodedSize(ciphertext);
  }

  private static int encodedSize(ByteString ciphertext) {
    return 8 + ciphertext.size() + 64; // epoch, counter, ciphertext, signature
  }

  /** The encoded form. */
  public byte[] encode() {
    return new ByteWriter(encodedSize()).u32(epoch).u32(counter).bytes(ciphertext)
        .bytes(signature).toByteArray();
  }

  /**
   * Reads a room message strictly.
   *
   * @throws ProtocolException ({@link Reason#MALFORMED_MESSAGE}) when it is not one
   */
  public static RoomMessage parse(byte[] body) throws ProtocolException {
    if (body.length < 8 + TAG + 64 || body.length > MAX_SIZE) {
      throw malformed("it is " + body.length + " bytes long");
    }
    ByteReader in = ByteReader.of(body);
    long epoch = in.u32();
    long counter = in.u32();
    if (counter < 1) {
      throw malformed("its counter is 0");
    }
    ByteString ct = ByteString.copyOf(in.bytes(in.remaining() - 64));
    return new RoomMessage(epoch, counter, ct, ByteString.copyOf(in.bytes(64)));
  }

  private static ProtocolException malformed(String why) {
    return new ProtocolException(Reason.MALFORMED_MESSAGE, "a room message was refused: " + why);
  }
}
