package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.server.store.StoreException;

/**
 * Whether a client has published an end-to-end key that is still in use (protocol "End-to-end
 * layer"): what entering an end-to-end room asks first, since nobody could hand a member without
 * a key the room's sender keys.
 */
@FunctionalInterface
interface PublishedKeys {
  /** Nobody has a key: end-to-end rooms cannot be entered (rooms tested in memory). */
  PublishedKeys NONE = (owner, nowMillis) -> false;

  /**
   * True when {@code owner} published a key whose {@code not_after} is not before
   * {@code nowMillis}.
   *
   * @throws StoreException if the store cannot be read
   */
  boolean hasCurrent(ByteString owner, long nowMillis) throws StoreException;
}
