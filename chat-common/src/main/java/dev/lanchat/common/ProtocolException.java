package dev.lanchat.common;

import java.io.IOException;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The peer broke the LanChat protocol: the connection is over and nothing it sent since the
 * last good record is used.
 *
 * <p>Every failure caused by bytes from the network is reported as this type, with a {@link
 * Reason} that callers and tests switch on and a message that reads as a sentence. Messages
 * carry reasons, never secrets or message text.
 */
public final class ProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why the peer's bytes were refused. */
  public enum Reason {
    /** A frame length of 0 or more than 65,536 (protocol §1). */
    FRAME_LENGTH,
    /** The stream ended inside a frame (protocol §1). */
    TRUNCATED,
    /** A hello of the wrong size or with the wrong magic (protocol §2.1, §2.2). */
    BAD_HELLO,
    /** A hello that names another protocol version (protocol §2.1, §2.2). */
    VERSION_MISMATCH,
    /** The peer's X25519 key gave an all-zero shared secret (protocol §2.3). */
    LOW_ORDER_KEY,
    /** SERVER_AUTH missing or its signature does not verify (protocol §2.4). */
    BAD_SERVER_AUTH,
    /** CLIENT_AUTH missing, malformed or its signature does not verify (protocol §2.5). */
    BAD_CLIENT_AUTH,
    /** A record did not open under the expected key and sequence number (protocol §3). */
    BAD_RECORD,
    /** The peer went past the per-key record or byte limit (protocol §3). */
    KEY_LIMIT,
    /** A message that does not parse strictly (protocol §4). */
    MALFORMED_MESSAGE,
    /** A well-formed message that is not allowed here (wrong direction or wrong moment). */
    UNEXPECTED_MESSAGE
  }

  private final Reason reason;
  /** The version the peer's hello named, for {@link Reason#VERSION_MISMATCH}; -1 otherwise. */
  private final int peerVersion;

  public ProtocolException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.peerVersion = -1;
  }

  public ProtocolException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.peerVersion = -1;
  }

  private ProtocolException(int peerVersion, String message) {
    super(message);
    this.reason = Reason.VERSION_MISMATCH;
    this.peerVersion = peerVersion;
  }

  /**
   * A {@link Reason#VERSION_MISMATCH}: the peer's hello named {@code peerVersion} (protocol
   * §2.2), so callers can tell their user which version the peer speaks.
   */
  public static ProtocolException versionMismatch(int peerVersion, String message) {
    if (peerVersion < 0 || peerVersion > 0xFF) {
      throw new IllegalArgumentException("a protocol version is a u8");
    }
    return new ProtocolException(peerVersion, message);
  }

  /** The protocol version the peer's hello named, present only for a version mismatch. */
  public OptionalInt peerVersion() {
    return peerVersion < 0 ? OptionalInt.empty() : OptionalInt.of(peerVersion);
  }

  /** The kind of violation, for callers that react differently to each. */
  public Reason reason() {
    return reason;
  }
}
