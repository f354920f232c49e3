package dev.lanchat.server.store;

import dev.lanchat.common.crypto.Fingerprint;
import java.time.Instant;

/**
 * One name bound to one client key: the name as the key first spelled it, the key, when it was
 * bound and when the key was last seen. Names are unique by skeleton, keys hold one name each.
 *
 * @param name the name as spelled (its skeleton is what is unique)
 * @param key the client's 32-byte Ed25519 public key
 * @param boundAt when the binding was made
 * @param lastSeen when the key last joined or was last active under the name
 */
public record NameBinding(String name, byte[] key, Instant boundAt, Instant lastSeen) {
  public NameBinding {
    key = key.clone();
  }

  @Override
  public byte[] key() {
    return key.clone();
  }

  /** The key's fingerprint, as the programs print keys. */
  public String fingerprint() {
    return Fingerprint.of(key);
  }

  @Override
  public String toString() {
    return "NameBinding[" + name + " " + fingerprint() + "]";
  }
}
