package dev.lanchat.server.store;

/**
 * Encodes a room event once its id is known. {@link History#append} calls it inside the
 * transaction that assigns the id, so the bytes stored and the bytes fanned out are the same.
 * It runs under the store's lock: it must only encode, never block.
 */
@FunctionalInterface
public interface EventEncoder {
  /** The encoded message of the event with {@code eventId}. */
  byte[] encode(long eventId);
}
