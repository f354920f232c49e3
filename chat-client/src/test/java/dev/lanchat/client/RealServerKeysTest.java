package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.server.ChatServer;
import dev.lanchat.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's keys against the real server, in-process on loopback. */
class RealServerKeysTest {
  @TempDir
  Path home;

  private static ChatServer server() throws IOException {
    return ChatServer.start(ServerConfig.builder()
        .bind(InetAddress.getLoopbackAddress())
        .port(0)
        .identityFile(Path.of("unused-in-process.pem"))
        .connectRate(0, 1)
        .messageRate(0, 1)
        .discovery(false).build(), Identity.generate(new SecureRandom()));
  }

  /** A piped client of its own home (identity, pins, peers) named {@code name}. */
  private ClientRun client(ChatServer server, String name) throws IOException {
    Path mine = Files.createDirectories(home.resolve(name));
    return ClientRun.start("--host", "127.0.0.1", "--port", String.valueOf(server.port()),
        "--accept-new", "--name", name,
        "--known-servers", mine.resolve("known_servers").toString(),
        "--identity", mine.resolve("identity.pem").toString());
  }

  private Identity identityOf(String name) throws IOException {
    return Identity.load(home.resolve(name).resolve("identity.pem"));
  }

  @Test
  void whoisShowsTheFingerprintTheOtherClientProved() throws Exception {
    try (ChatServer server = server()) {
      ClientRun bob = client(server, "bob");
      bob.awaitOut("as bob");
      ClientRun alice = client(server, "alice");
      alice.type("/whois bob").type("/whois carol").endInput();
      assertEquals(ExitCode.OK, alice.exitCode(), alice.err());
      List<String> out = alice.outLines();
      assertTrue(out.contains("* bob has the key " + identityOf("bob").fingerprint()),
          alice.out());
      assertTrue(out.contains("* carol is not here"), alice.out());
      String peers = Files.readString(home.resolve("alice").resolve("known_peers"));
      assertTrue(peers.contains(" bob ed25519 "), "bob's key is remembered: " + peers);
      bob.endInput();
      assertEquals(ExitCode.OK, bob.exitCode(), bob.err());
    }
  }
}
