package dev.lanchat.common.message;

import dev.lanchat.common.e2e.E2eKey;
import java.util.Objects;

/**
 * One entry of E2E_KEYS (protocol §4.3): {@code name: str ‖ e2e_key[140]}, a user's name as the
 * server spells it and the end-to-end key it published. The receiving client checks the key's
 * owner against the identity it pinned for that name; the server's word is not enough.
 *
 * @param name the user's name
 * @param key the key the user published
 */
public record E2eKeyEntry(String name, E2eKey key) {
  public E2eKeyEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(key, "key");
  }
}
