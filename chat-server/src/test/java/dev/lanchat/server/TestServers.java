package dev.lanchat.server;

import dev.lanchat.common.crypto.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.stream.Stream;

/** Starts servers in-process on an ephemeral loopback port. */
final class TestServers {
  private TestServers() {}

  /**
   * Defaults with loopback, port 0, no per-address rate, no per-client or room rate, no
   * discovery, and a store of its own in a fresh temporary folder.
   */
  static ServerConfig config() {
    return ServerConfig.builder()
        .dataFile(freshStore())
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

  /**
   * A store file in a fresh folder of its own, removed when the JVM exits: in memory
   * ({@code /dev/shm}) where there is one. Every room event is a synchronous SQLite commit, and
   * on this shared machine's disk an fsync costs milliseconds, which the many thousands of
   * sessions of the robustness tests would turn into minutes; what the tests check does not
   * depend on the disk (the crash tests keep their stores in their own folders on disk).
   */
  static Path freshStore() {
    try {
      Path shm = Path.of("/dev/shm");
      Path folder = Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "lanchat-store")
          : Files.createTempDirectory("lanchat-store");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(folder)));
      return folder.resolve("server.db");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(folder);
    } catch (IOException e) {
      // a temporary folder left behind harms nobody
    }
  }

  static ChatServer start(ServerConfig config) throws IOException {
    return ChatServer.start(config, Identity.generate(new SecureRandom()));
  }

  static ChatServer start() throws IOException {
    return start(config());
  }
}
