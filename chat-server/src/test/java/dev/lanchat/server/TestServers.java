package dev.lanchat.server;

import dev.lanchat.common.crypto.Identity;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;

/** Starts servers in-process on an ephemeral loopback port. */
final class TestServers {
  private TestServers() {}

  /**
   * Defaults with loopback, port 0, no per-address rate, no per-client or room rate, and no
   * discovery.
   */
  static ServerConfig config() {
    return ServerConfig.builder()
        .bind(InetAddress.getLoopbackAddress())
        .port(0)
        .identityFile(Path.of("unused-in-process.pem"))
        .name("test server")
        .motd("welcome to the test")
        .connectRate(0, 1)
        .messageRate(0, 1)
        .roomBudget(ServerConfig.RoomBudget.UNLIMITED)
        .discovery(false).build();
  }

  static ChatServer start(ServerConfig config) throws IOException {
    return ChatServer.start(config, Identity.generate(new SecureRandom()));
  }

  static ChatServer start() throws IOException {
    return start(config());
  }
}
