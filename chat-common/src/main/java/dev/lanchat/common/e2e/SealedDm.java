package dev.lanchat.common.e2e;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import java.util.Objects;

/**
 * A DM sealed to one recipient, as the server stores and relays it:
 * {@code serial: u32 ‖ enc[32] ‖ ct}, where {@code serial} names the recipient's end-to-end key
 * it is sealed to and {@code ct} is the HPKE ciphertext (tag included) of the signed body.
 *
 * @param serial the recipient key's serial
 * @param enc HPKE's encapsulated ephemeral key
 * @param ciphertext the sealed body
 */
public record SealedDm(long serial, ByteString enc, ByteString ciphertext) {
  /** Smallest ciphertext: the body's fixed fields and signature, plus the tag. */
  static final int MIN_CIPHERTEXT = 1 + 8 + 64 + Hpke.TAG_SIZE;

  /** Largest encoded sealed DM, well inside one record (protocol §3). */
  public static final int MAX_SIZE = 16_384;

  /**
   * Checks the sizes.
   *
   * @throws IllegalArgumentException when a field is out of range
   */
  public SealedDm {
    Objects.requireNonNull(enc, "enc");
    Objects.requireNonNull(ciphertext, "ciphertext");
    if (serial < 0 || serial > 0xFFFF_FFFFL || enc.size() != Hpke.ENC_SIZE
        || ciphertext.size() < MIN_CIPHERTEXT || 4 + 32 + ciphertext.size() > MAX_SIZE) {
      throw new IllegalArgumentException("not a sealed DM: serial u32, enc 32 bytes, ct "
          + MIN_CIPHERTEXT + " bytes or more, " + MAX_SIZE + " in all at most");
    }
  }

  /** The encoded form. */
  public byte[] encode() {
    return new ByteWriter(4 + 32 + ciphertext.size()).u32(serial).bytes(enc).bytes(ciphertext)
        .toByteArray();
  }

  /**
   * Reads a sealed DM strictly.
   *
   * @throws ProtocolException ({@link Reason#MALFORMED_MESSAGE}) when the sizes are wrong
   */
  public static SealedDm parse(byte[] body) throws ProtocolException {
    if (body.length < 4 + 32 + MIN_CIPHERTEXT || body.length > MAX_SIZE) {
      throw new ProtocolException(Reason.MALFORMED_MESSAGE,
          "a sealed DM was refused: it is " + body.length + " bytes long");
    }
    ByteReader in = ByteReader.of(body);
    long serial = in.u32();
    ByteString enc = ByteString.copyOf(in.bytes(32));
    return new SealedDm(serial, enc, ByteString.copyOf(in.bytes(in.remaining())));
  }
}
