package dev.lanchat.client.session;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.trust.KnownServers;
import dev.lanchat.common.pake.JoinCode;
import java.time.Duration;
import java.util.Optional;
import java.util.Objects;

/**
 * Where one session connects, which key it proves, and how long it waits.
 *
 * @param identity the client's long-term key, proven to the server by CLIENT_AUTH once the
 *     server is trusted (protocol §2.5)
 * @param pingInterval send PING after this long without sending anything (30 s normally)
 * @param handshakeDeadline the handshake, and then each wait for the answer to JOIN, must be
 *     over within this long (15 s normally), however the server spaces its bytes
 * @param joinCode a join code to prove right after CLIENT_AUTH (protocol "Join codes"); a
 *     server it matches is pinned without asking
 */
public record SessionSettings(String host, int port, Identity identity, Duration pingInterval,
    Duration handshakeDeadline, Optional<JoinCode> joinCode) {
  private static final Duration PROTOCOL_PING_INTERVAL = Duration.ofSeconds(30);
  private static final Duration HANDSHAKE_DEADLINE = Duration.ofSeconds(15);

  public SessionSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(identity, "identity");
    requirePositive(pingInterval, "the ping interval");
    requirePositive(handshakeDeadline, "the handshake deadline");
    Objects.requireNonNull(joinCode, "joinCode");
  }

  /** Settings with the protocol's 30 s keep-alive and a 15 s handshake deadline. */
  public static SessionSettings of(String host, int port, Identity identity) {
    return new SessionSettings(host, port, identity, PROTOCOL_PING_INTERVAL, HANDSHAKE_DEADLINE,
        Optional.empty());
  }

  /** The same settings with another keep-alive interval. */
  public SessionSettings withPingInterval(Duration interval) {
    return new SessionSettings(host, port, identity, interval, handshakeDeadline, joinCode);
  }

  /** The same settings with another handshake deadline. */
  public SessionSettings withHandshakeDeadline(Duration deadline) {
    return new SessionSettings(host, port, identity, pingInterval, deadline, joinCode);
  }

  /** The same settings, proving {@code code} after CLIENT_AUTH. */
  public SessionSettings withJoinCode(JoinCode code) {
    return new SessionSettings(host, port, identity, pingInterval, handshakeDeadline,
        Optional.of(code));
  }

  /**
   * The same settings without a join code: a reconnect proves nothing again, since the code
   * is used up and the server's key is pinned by then.
   */
  public SessionSettings withoutJoinCode() {
    return new SessionSettings(host, port, identity, pingInterval, handshakeDeadline,
        Optional.empty());
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
