package dev.lanchat.client.session;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.trust.KnownServers;
import java.time.Duration;
import java.util.Objects;

/**
 * Where one session connects, which key it proves, and how long it waits.
 *
 * @param identity the client's long-term key, proven to the server by CLIENT_AUTH once the
 *     server is trusted (protocol §2.5)
 * @param pingInterval send PING after this long without sending anything (30 s normally)
 * @param handshakeDeadline the handshake, and then each wait for the answer to JOIN, must be
 *     over within this long (15 s normally), however the server spaces its bytes
 */
public record SessionSettings(String host, int port, Identity identity, Duration pingInterval,
    Duration handshakeDeadline) {
  private static final Duration PROTOCOL_PING_INTERVAL = Duration.ofSeconds(30);
  private static final Duration HANDSHAKE_DEADLINE = Duration.ofSeconds(15);

  public SessionSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(identity, "identity");
    requirePositive(pingInterval, "the ping interval");
    requirePositive(handshakeDeadline, "the handshake deadline");
  }

  /** Settings with the protocol's 30 s keep-alive and a 15 s handshake deadline. */
  public static SessionSettings of(String host, int port, Identity identity) {
    return new SessionSettings(host, port, identity, PROTOCOL_PING_INTERVAL, HANDSHAKE_DEADLINE);
  }

  /** The same settings with another keep-alive interval. */
  public SessionSettings withPingInterval(Duration interval) {
    return new SessionSettings(host, port, identity, interval, handshakeDeadline);
  }

  /** The same settings with another handshake deadline. */
  public SessionSettings withHandshakeDeadline(Duration deadline) {
    return new SessionSettings(host, port, identity, pingInterval, deadline);
  }

  /** {@code host:port} as the known-servers file writes it. */
  public String hostPort() {
    return KnownServers.hostPort(host, port);
  }

  private static void requirePositive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive");
    }
  }
}
