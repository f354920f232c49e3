package dev.lanchat.common.handshake;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import java.util.Objects;

/**
 * What the server learns from a client's first record (protocol §2.5): the client proved a key,
 * or it must be refused with the ERROR that {@link Refused#error()} gives, after which the
 * server closes the connection and ignores whatever the client pipelined behind it.
 */
public sealed interface ClientAuthOutcome {

  /** The client proved it holds the private half of {@code key} ({@code Ci}) for this session. */
  record Authenticated(ByteString key) implements ClientAuthOutcome {
    public Authenticated {
      if (key.size() != 32) {
        throw new IllegalArgumentException("an Ed25519 key is 32 bytes");
      }
    }
  }

  /** A refusal: send {@link #error()}, then close. */
  sealed interface Refused extends ClientAuthOutcome {
    /** The ERROR to send before closing. */
    ServerMessage.Error error();
  }

  /** The first record held another message than CLIENT_AUTH, of type {@code firstType}. */
  record Required(int firstType) implements Refused {
    @Override
    public ServerMessage.Error error() {
      return new ServerMessage.Error(ErrorCode.AUTH_REQUIRED,
          "client authentication required: the first message must be CLIENT_AUTH");
    }
  }

  /** CLIENT_AUTH did not prove a key; {@code reason} is the ERROR text (no key material). */
  record Failed(String reason) implements Refused {
    /** The text for a key that is not a valid Ed25519 public key. */
    public static final String MALFORMED_KEY = "malformed client key";
    /** The text for a signature that does not verify. */
    public static final String BAD_SIGNATURE = "client authentication failed";

    public Failed {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public ServerMessage.Error error() {
      return new ServerMessage.Error(ErrorCode.AUTH_FAILED, reason);
    }
  }
}
