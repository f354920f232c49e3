package dev.lanchat.common.chain;

import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.crypto.Identity;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A member's head of a room at an event id, signed with the member's identity key, which other
 * members compare with their own chains. The server relays it but cannot forge it; it can only
 * withhold it.
 *
 * <p>Encoded as {@code room: str ‖ id: u64 ‖ head[32] ‖ signer[32] ‖ sig[64]}, where {@code
 * sig = Ed25519-Sign(identity, "lanchat v2 room head" ‖ room: str ‖ id: u64 ‖ head)}.
 *
 * @param room the room's name
 * @param id the event id the head covers, at least 1
 * @param head the signer's head after event {@code id}
 * @param signer the signer's Ed25519 public key
 * @param signature the signature over {@link #signedBytes}
 */
public record SignedHead(String room, long id, ByteString head, ByteString signer,
    ByteString signature) {
  private static final byte[] LABEL = "lanchat v2 room head".getBytes(StandardCharsets.US_ASCII);
  private static final int FIXED_TAIL =
      8 + ChainHash.SIZE + Ed25519.KEY_SIZE + Ed25519.SIGNATURE_SIZE;

  /**
   * Checks the sizes; whether the signature verifies is {@link #signatureValid}'s question.
   *
   * @throws IllegalArgumentException when a field is out of range
   */
  public SignedHead {
    RoomNames.check(room);
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(signature, "signature");
    if (id < 1) {
      throw new IllegalArgumentException("a signed head covers an event, id 1 or more");
    }
    if (head.size() != ChainHash.SIZE || signer.size() != Ed25519.KEY_SIZE
        || signature.size() != Ed25519.SIGNATURE_SIZE) {
      throw new IllegalArgumentException("head, signer and signature are 32, 32 and 64 bytes");
    }
  }

  /**
   * Signs {@code head} with {@code identity}.
   *
   * @throws IllegalArgumentException when the head is the genesis head (id 0): there is nothing
   *     to compare before the first event
   */
  public static SignedHead sign(Identity identity, ChainHead head) {
    if (head.id() < 1) {
      throw new IllegalArgumentException("a signed head covers an event, id 1 or more");
    }
    byte[] signature = identity.sign(signedBytes(head));
    return new SignedHead(head.room(), head.id(), head.head(),
        ByteString.copyOf(identity.publicKey()), ByteString.copyOf(signature));
  }

  /** {@code "lanchat v2 room head" ‖ room: str ‖ id: u64 ‖ head[32]}: what is signed. */
  public static byte[] signedBytes(ChainHead head) {
    byte[] name = head.room().getBytes(StandardCharsets.US_ASCII);
    return new ByteWriter(LABEL.length + 2 + name.length + 8 + ChainHash.SIZE)
        .bytes(LABEL).u16(name.length).bytes(name).u64(head.id()).bytes(head.head())
        .toByteArray();
  }

  /** The head this signs, without the signature. */
  public ChainHead chainHead() {
    return new ChainHead(room, id, head);
  }

  /** True when the signature verifies under {@link #signer}. */
  public boolean signatureValid() {
    return Ed25519.verify(signer.toByteArray(), signedBytes(chainHead()),
        signature.toByteArray());
  }

  /** The encoded form, as carried by the SIGNED_HEAD messages. */
  public byte[] encode() {
    byte[] name = room.getBytes(StandardCharsets.US_ASCII);
    return new ByteWriter(2 + name.length + FIXED_TAIL)
        .u16(name.length).bytes(name).u64(id).bytes(head).bytes(signer).bytes(signature)
        .toByteArray();
  }

  /**
   * Reads an encoded signed head strictly: a valid room name, an id from 1 to 2^63 − 1, the
   * three fixed fields, and nothing after them. The signature is not checked here.
   *
   * @throws ProtocolException ({@link Reason#MALFORMED_MESSAGE}) when the bytes are not
   *     exactly one signed head
   */
  public static SignedHead parse(byte[] body) throws ProtocolException {
    ByteReader in = ByteReader.of(body);
    if (in.remaining() < 2) {
      throw malformed("it ends before the room name");
    }
    int nameLength = in.u16();
    if (nameLength < 2 || nameLength > RoomNames.MAX_LENGTH) {
      throw malformed("its room name is " + nameLength + " bytes long");
    }
    if (in.remaining() != nameLength + FIXED_TAIL) {
      throw malformed("it is not exactly a room name, an id, a head, a key and a signature");
    }
    String room = new String(in.bytes(nameLength), StandardCharsets.US_ASCII);
    if (!RoomNames.isValid(room)) {
      throw malformed("its room name breaks the room-name rule");
    }
    long id = in.u64();
    if (id < 1) {
      throw malformed("its event id is 0 or above 2^63 - 1");
    }
    return new SignedHead(room, id, ByteString.copyOf(in.bytes(ChainHash.SIZE)),
        ByteString.copyOf(in.bytes(Ed25519.KEY_SIZE)),
        ByteString.copyOf(in.bytes(Ed25519.SIGNATURE_SIZE)));
  }

  private static ProtocolException malformed(String why) {
    return new ProtocolException(Reason.MALFORMED_MESSAGE, "a signed head was refused: " + why);
  }
}
