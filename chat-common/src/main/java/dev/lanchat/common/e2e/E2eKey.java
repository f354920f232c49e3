package dev.lanchat.common.e2e;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.crypto.X25519;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A client's public key for end-to-end use: an X25519 key signed by the client's Ed25519
 * identity, with the time after which nobody seals to it and a serial that names it. The server
 * hands these out; {@link #check} is how a client makes sure the server did not swap one.
 *
 * <p>Encoded as {@code owner[32] ‖ key[32] ‖ not_after: u64 ‖ serial: u32 ‖ sig[64]} (140 bytes),
 * where {@code sig = Ed25519-Sign(owner, "lanchat v2 e2e key" ‖ key ‖ not_after ‖ serial)}.
 *
 * @param owner the Ed25519 identity that signed it
 * @param key the X25519 public key
 * @param notAfter milliseconds since the epoch after which senders stop sealing to this key
 * @param serial the owner's number for this key, one more at each rotation
 * @param signature the owner's signature over {@link #signedBytes}
 */
public record E2eKey(ByteString owner, ByteString key, long notAfter, long serial,
    ByteString signature) {
  /** Size of the encoded form. */
  public static final int SIZE = 32 + 32 + 8 + 4 + 64;

  private static final byte[] LABEL = "lanchat v2 e2e key".getBytes(StandardCharsets.US_ASCII);

  /**
   * Checks the sizes and ranges; whether the signature verifies is {@link #check}'s question.
   *
   * @throws IllegalArgumentException when a field is out of range
   */
  public E2eKey {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(signature, "signature");
    if (owner.size() != Ed25519.KEY_SIZE || key.size() != X25519.KEY_SIZE
        || signature.size() != Ed25519.SIGNATURE_SIZE) {
      throw new IllegalArgumentException("owner, key and signature are 32, 32 and 64 bytes");
    }
    if (notAfter < 0 || serial < 0 || serial > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("not_after is a u64 below 2^63 and serial a u32");
    }
  }

  /** What {@link #check} concluded about a key the server handed out. */
  public sealed interface Check {
    /** The key is the owner's, signed by the identity we expect, and still in use. */
    record Valid(E2eKey key) implements Check {}

    /**
     * The key is signed by (or claims) another identity than the one pinned for this member:
     * the server substituted it. Refuse it and warn, naming the member.
     *
     * @param expected the identity pinned for the member
     * @param found the identity the key claims
     */
    record WrongOwner(ByteString expected, ByteString found) implements Check {}

    /** The signature does not verify: the key was changed on the way. Refuse and warn. */
    record BadSignature(E2eKey key) implements Check {}

    /** The key's {@code not_after} has passed: ask for the member's current key. */
    record Expired(E2eKey key) implements Check {}
  }

  /**
   * Signs {@code key} with {@code identity}.
   *
   * @throws IllegalArgumentException when a value is out of range
   */
  public static E2eKey sign(Identity identity, byte[] key, long notAfter, long serial) {
    byte[] signed = signedBytes(key, notAfter, serial);
    return new E2eKey(ByteString.copyOf(identity.publicKey()), ByteString.copyOf(key), notAfter,
        serial, ByteString.copyOf(identity.sign(signed)));
  }

  /** {@code "lanchat v2 e2e key" ‖ key[32] ‖ not_after: u64 ‖ serial: u32}: what is signed. */
  public static byte[] signedBytes(byte[] key, long notAfter, long serial) {
    if (key.length != X25519.KEY_SIZE) {
      throw new IllegalArgumentException("an X25519 key is 32 bytes");
    }
    return new ByteWriter(LABEL.length + 44).bytes(LABEL).bytes(key).u64(notAfter).u32(serial)
        .toByteArray();
  }

  /**
   * Checks this key against the identity pinned for its member ({@code known_peers}), then its
   * signature, then its age. Order matters: a key claiming another owner is a substitution
   * whether or not its signature verifies.
   */
  public Check check(ByteString pinnedIdentity, long nowMillis) {
    if (!owner.equals(pinnedIdentity)) {
      return new Check.WrongOwner(pinnedIdentity, owner);
    }
    if (!Ed25519.verify(owner.toByteArray(), signedBytes(key.toByteArray(), notAfter, serial),
        signature.toByteArray())) {
      return new Check.BadSignature(this);
    }
    if (nowMillis > notAfter) {
      return new Check.Expired(this);
    }
    return new Check.Valid(this);
  }

  /** The encoded form. */
  public byte[] encode() {
    return new ByteWriter(SIZE).bytes(owner).bytes(key).u64(notAfter).u32(serial)
        .bytes(signature).toByteArray();
  }

  /**
   * Reads an encoded key strictly: exactly {@link #SIZE} bytes, {@code not_after} below 2^63.
   * The signature is not checked here.
   *
   * @throws ProtocolException ({@link Reason#MALFORMED_MESSAGE}) when the bytes are not one key
   */
  public static E2eKey parse(byte[] body) throws ProtocolException {
    if (body.length != SIZE) {
      throw new ProtocolException(Reason.MALFORMED_MESSAGE,
          "an end-to-end key was refused: it is " + body.length + " bytes, not " + SIZE);
    }
    ByteReader in = ByteReader.of(body);
    ByteString owner = ByteString.copyOf(in.bytes(32));
    ByteString key = ByteString.copyOf(in.bytes(32));
    long notAfter = in.u64();
    long serial = in.u32();
    if (notAfter < 0) {
      throw new ProtocolException(Reason.MALFORMED_MESSAGE,
          "an end-to-end key was refused: its not_after is above 2^63 - 1");
    }
    return new E2eKey(owner, key, notAfter, serial, ByteString.copyOf(in.bytes(64)));
  }
}
