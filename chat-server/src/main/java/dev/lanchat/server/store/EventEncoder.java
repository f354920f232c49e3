package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;

/**
 * Encodes a room event once its id and chain head are known. {@link History#append} calls it
 * inside the transaction that assigns both, so the bytes stored and the bytes fanned out are the
 * same. It runs under the store's lock: it must only encode, never block.
 */
@FunctionalInterface
public interface EventEncoder {
  /** The encoded message of the event with {@code eventId}, whose chain head is {@code head}. */
  byte[] encode(long eventId, ByteString head);
}
