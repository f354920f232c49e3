package dev.lanchat.server;

import dev.lanchat.common.crypto.Identity;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The child process of {@link ServerCrashDurabilityTest}: a server on a loopback port with the
 * store {@code args[0]} and the identity {@code args[1]}; it prints its port, then serves until
 * it is killed (or for a minute at most, so it can never outlive a broken test by much).
 */
final class ServerProcessMain {
  private ServerProcessMain() {}

  public static void main(String[] args) throws Exception {
    Identity identity = Identity.loadOrCreate(Path.of(args[1]), new SecureRandom());
    ServerConfig config = TestServers.config().toBuilder().dataFile(Path.of(args[0])).build();
    try (ChatServer server = ChatServer.start(config, identity)) {
      PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
      out.println(server.port());
      Thread.sleep(60_000);
    }
  }
}
