package dev.lanchat.common.message;

import dev.lanchat.common.bytes.ByteString;
import java.util.Objects;

/**
 * One joined member as the server names it (protocol §4.3, {@code member}): the name it joined
 * under and its 32-byte Ed25519 public key, so clients can tell who is who.
 *
 * @param name the member's joined name, in the spelling the server uses
 * @param key the member's Ed25519 public key {@code Ci}
 */
public record Member(String name, ByteString key) {
  /** Size of {@link #key()}. */
  public static final int KEY_SIZE = 32;

  public Member {
    Objects.requireNonNull(name, "name");
    if (key.size() != KEY_SIZE) {
      throw new IllegalArgumentException("a member's key is 32 bytes, not " + key.size());
    }
  }

  /** A member holding a copy of the 32-byte {@code key}. */
  public Member(String name, byte[] key) {
    this(name, ByteString.copyOf(key, KEY_SIZE, "a member's key"));
  }
}
