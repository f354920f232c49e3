package dev.lanchat.common.crypto;

import java.io.IOException;

/**
 * This side has used a key for 2^32 records or 2^36 bytes and must end the connection instead
 * of sealing another record (protocol §3). The client reconnects.
 */
public final class KeyLimitException extends IOException {
  private static final long serialVersionUID = 1L;

  public KeyLimitException(String message) {
    super(message);
  }
}
