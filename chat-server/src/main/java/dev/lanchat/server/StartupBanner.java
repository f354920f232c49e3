package dev.lanchat.server;

import dev.lanchat.common.trust.KnownServers;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lines a server prints when it starts: where it listens, its fingerprint, and what people
 * give to the client's {@code --host} to reach it. Plain text for stdout, no colours.
 */
final class StartupBanner {
  private StartupBanner() {}

  /**
   * @param name the server's name
   * @param bind the address it listens on
   * @param port the port it listens on
   * @param fingerprint its identity's fingerprint
   * @param lan the LAN addresses of this machine (used when {@code bind} is a wildcard)
   */
  static List<String> lines(String name, InetAddress bind, int port, String fingerprint,
      List<LanAddresses.LanAddress> lan) {
    List<String> lines = new ArrayList<>();
    lines.add("LanChat server '" + name + "' listening on "
        + KnownServers.hostPort(bind.getHostAddress(), port));
    lines.add("Fingerprint: " + fingerprint);
    String portOption = port == ServerConfig.DEFAULT_PORT ? "" : " --port " + port;
    if (!LanAddresses.isWildcard(bind)) {
      lines.add("Clients connect with: --host " + bind.getHostAddress() + portOption);
    } else if (lan.isEmpty()) {
      lines.add("No LAN address found (no network interface is up): only this machine can"
          + " connect, with: --host 127.0.0.1" + portOption);
    } else {
      for (LanAddresses.LanAddress a : lan) {
        lines.add("Clients connect with: --host " + a.host() + portOption
            + " (" + a.interfaceName() + ")");
      }
    }
    return lines;
  }

  /**
   * The line that says who may join when the server admits only allowed keys, so whoever
   * started it sees why a newcomer is refused; nothing in open mode, the default.
   */
  static Optional<String> accessLine(ServerConfig.Access access) {
    return access == ServerConfig.Access.ALLOWLIST
        ? Optional.of("Access: allowlist. Only allowed keys join: chat-server allow"
            + " FINGERPRINT, or a join code from chat-server invite")
        : Optional.empty();
  }
}
