package dev.lanchat.common.pake;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteWriter;
import java.math.BigInteger;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurve;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurves;
import org.bouncycastle.crypto.agreement.ecjpake.ECSchnorrZKP;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * The field layouts of the join-code messages: a {@code point} is a u16 length (always 65)
 * followed by the SEC1 uncompressed point {@code 04 ‖ x ‖ y}; a {@code scalar} is a u16 length
 * (1–32) followed by the minimal unsigned big-endian bytes of an integer below the group order
 * n; a {@code proof} is {@code V: point ‖ r: scalar}. One encoding per value, so re-encoding a
 * parsed message gives back its exact bytes (the transcript hash relies on that).
 */
final class PakeWire {
  /** The curve of every exchange: NIST P-256, as BouncyCastle's EC-J-PAKE names it. */
  static final ECJPAKECurve CURVE = ECJPAKECurves.NIST_P256;

  /** Bytes of an uncompressed P-256 point. */
  static final int POINT_SIZE = 65;

  /** Most bytes of a scalar below n. */
  static final int SCALAR_MAX = 32;

  private PakeWire() {}

  /** Builds a message body field by field. */
  static final class Writer {
    private final ByteWriter out = new ByteWriter(340); // the largest body, round 1, is 337

    Writer u8(int value) {
      out.u8(value);
      return this;
    }

    Writer point(ECPoint point) {
      byte[] encoded = point.getEncoded(false);
      return u16(encoded.length).raw(encoded);
    }

    Writer scalar(BigInteger value) {
      byte[] encoded = value.signum() == 0
          ? new byte[1]
          : BigIntegers.asUnsignedByteArray(value);
      return u16(encoded.length).raw(encoded);
    }

    Writer proof(ECSchnorrZKP proof) {
      return point(proof.getV()).scalar(proof.getr());
    }

    Writer raw(byte[] bytes) {
      out.bytes(bytes);
      return this;
    }

    private Writer u16(int value) {
      out.u16(value);
      return this;
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  /** Reads a message body strictly: every size is checked before anything is allocated. */
  static final class Reader {
    private final ByteReader in;
    private final String message;

    Reader(byte[] data, String message) {
      this.in = ByteReader.of(data);
      this.message = message;
    }

    int u8(String what) throws ProtocolException {
      need(1, what);
      return in.u8();
    }

    byte[] fixed(int size, String what) throws ProtocolException {
      need(size, what);
      return in.bytes(size);
    }

    ECPoint point(String what) throws ProtocolException {
      int length = u16(what);
      if (length != POINT_SIZE) {
        throw malformed("the " + what + " must be a 65-byte uncompressed point, not "
            + length + " bytes");
      }
      byte[] encoded = fixed(length, what);
      if (encoded[0] != 0x04) {
        throw malformed("the " + what + " must be an uncompressed point (04 ‖ x ‖ y)");
      }
      try {
        // decodePoint refuses coordinates outside the field and points off the curve
        ECPoint point = CURVE.getCurve().decodePoint(encoded);
        if (point.isInfinity() || !point.isValid()) {
          throw malformed("the " + what + " is not a point of the group");
        }
        return point;
      } catch (IllegalArgumentException e) {
        throw malformed("the " + what + " is not a point on P-256");
      }
    }

    BigInteger scalar(String what) throws ProtocolException {
      int length = u16(what);
      if (length < 1 || length > SCALAR_MAX) {
        throw malformed("the " + what + " must be 1 to 32 bytes, not " + length);
      }
      byte[] encoded = fixed(length, what);
      if (length > 1 && encoded[0] == 0) {
        throw malformed("the " + what + " has a leading zero byte (one encoding per value)");
      }
      BigInteger value = new BigInteger(1, encoded);
      if (value.compareTo(CURVE.getN()) >= 0) {
        throw malformed("the " + what + " is not below the group order");
      }
      return value;
    }

    ECSchnorrZKP proof(String what) throws ProtocolException {
      ECPoint v = point(what + " V");
      BigInteger r = scalar(what + " r");
      return Proofs.of(v, r);
    }

    void expectEnd() throws ProtocolException {
      if (in.remaining() != 0) {
        throw malformed(in.remaining() + " bytes left over after the last field");
      }
    }

    private int u16(String what) throws ProtocolException {
      need(2, what + " length");
      return in.u16();
    }

    // ByteReader treats a read past the end as the caller's mistake: check first, in our words
    private void need(int size, String what) throws ProtocolException {
      if (in.remaining() < size) {
        throw malformed("the " + what + " at byte " + in.position() + " runs past the end");
      }
    }

    ProtocolException malformed(String detail) {
      return new ProtocolException(Reason.MALFORMED_MESSAGE, message + ": " + detail);
    }
  }
}
