package dev.lanchat.server;

import dev.lanchat.common.trust.KnownServers;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;

/** Small formatting helpers for logs and socket timeouts, shared by the server's classes. */
final class Peers {
  private Peers() {}

  /** A socket address as {@code host:port} ({@code [v6]:port} for IPv6), for logs. */
  static String describe(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return KnownServers.hostPort(inet.getAddress().getHostAddress(), inet.getPort());
    }
    return String.valueOf(address);
  }

  /** A duration as a socket timeout in milliseconds ({@code 0} stays "no timeout"). */
  static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }

  /** A duration in seconds as people read it: {@code 90}, or {@code 1.5}. */
  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds())
        : Double.toString(d.toMillis() / 1000.0);
  }

  /** An exception's message, or its class name when it has none. */
  static String brief(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
