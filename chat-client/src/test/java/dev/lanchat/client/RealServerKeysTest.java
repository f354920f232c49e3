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

  private ChatServer server() throws IOException {
    return server(ServerConfig.Access.OPEN);
  }

  /** A real server on loopback, its store in this test's folder. */
  private ChatServer server(ServerConfig.Access access) throws IOException {
    return ChatServer.start(ServerConfig.builder()
        .dataFile(home.resolve("server.db"))
        .access(access)
        .bind(InetAddress.getLoopbackAddress())
        .port(0)
        .identityFile(Path.of("unused-in-process.pem"))
        .connectRate(0, 1)
        .messageRate(0, 1)
        .discovery(false).build(), Identity.generate(new SecureRandom()));
  }

  /** A piped client of its own home (identity, pins, peers) named {@code name}. */
  private ClientRun client(ChatServer server, String name) throws IOException {
    return client(server, name, name);
  }

  /** A piped client with the home {@code who} (so its own key), joining as {@code name}. */
  private ClientRun client(ChatServer server, String who, String name) throws IOException {
    Path mine = Files.createDirectories(home.resolve(who));
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

  @Test
  void aNameBoundToAnotherKeyIsRefusedWithTheServersReasonAndExitFour() throws Exception {
    try (ChatServer server = server()) {
      ClientRun first = client(server, "alice");
      first.endInput();
      assertEquals(ExitCode.OK, first.exitCode(), first.err());

      ClientRun other = client(server, "mallory", "alice");
      assertEquals(ExitCode.NOT_JOINED, other.exitCode());
      assertTrue(other.err().contains("! name bound: the name alice belongs to another key"),
          other.err());
      assertEquals(List.of(), server.roster(), "the refused client joined nothing");
    }
  }

  @Test
  void notAllowedShowsOurFingerprintAndTheCommandThatLetsUsIn() throws Exception {
    try (ChatServer server = server(ServerConfig.Access.ALLOWLIST)) {
      ClientRun refused = client(server, "alice");
      assertEquals(ExitCode.NOT_JOINED, refused.exitCode());
      String fingerprint = identityOf("alice").fingerprint();
      String err = refused.err();
      assertTrue(err.contains("your key is " + fingerprint), err);
      String prompt = "ask the server's admin to run: ";
      String line = err.lines().filter(l -> l.contains(prompt)).findFirst().orElseThrow();
      String command = line.substring(line.indexOf(prompt) + prompt.length());
      assertEquals("chat-server allow " + fingerprint + " --name alice", command);

      // the admin runs exactly that, on the running server's store
      List<String> args = new java.util.ArrayList<>(
          List.of(command.substring("chat-server ".length()).split(" ")));
      args.addAll(List.of("--data", home.resolve("server.db").toString()));
      java.io.StringWriter adminOut = new java.io.StringWriter();
      int adminExit = new picocli.CommandLine(new dev.lanchat.server.ServerCommand())
          .setOut(new java.io.PrintWriter(adminOut, true))
          .execute(args.toArray(String[]::new));
      assertEquals(0, adminExit, adminOut.toString());

      ClientRun allowed = client(server, "alice");
      allowed.awaitOut("as alice");
      allowed.endInput();
      assertEquals(ExitCode.OK, allowed.exitCode(), allowed.err());
    }
  }

  /** Runs {@code chat-server ARGS --data STORE} in-process, as the admin would; its stdout. */
  private String admin(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--data", home.resolve("server.db").toString()));
    java.io.StringWriter out = new java.io.StringWriter();
    int exit = new picocli.CommandLine(new dev.lanchat.server.ServerCommand())
        .setOut(new java.io.PrintWriter(out, true))
        .execute(all.toArray(String[]::new));
    assertEquals(0, exit, out.toString());
    return out.toString();
  }

  /** A newcomer with a fresh home, no --accept-new: only the code. */
  private ClientRun newcomer(ChatServer server, String name, String code) throws IOException {
    Path mine = Files.createDirectories(home.resolve(name));
    return ClientRun.start("--host", "127.0.0.1", "--port", String.valueOf(server.port()),
        "--name", name, "--join-code", code,
        "--known-servers", mine.resolve("known_servers").toString(),
        "--identity", mine.resolve("identity.pem").toString());
  }

  @Test
  void aNewcomerJoinsAnAllowlistRoomWithOnlyAJoinCodeAndNoTrustQuestion() throws Exception {
    try (ChatServer server = server(ServerConfig.Access.ALLOWLIST)) {
      String invite = admin("invite", "--name", "bob");
      String code = invite.lines().filter(l -> l.startsWith("Join code: ")).findFirst()
          .orElseThrow().substring("Join code: ".length()).strip();
      ClientRun bob = newcomer(server, "bob", code);
      bob.awaitOut("as bob");
      bob.endInput();
      assertEquals(ExitCode.OK, bob.exitCode(), bob.err());
      String pins = Files.readString(home.resolve("bob").resolve("known_servers"));
      assertTrue(pins.contains(java.util.Base64.getEncoder()
          .encodeToString(server.identity().publicKey())), "the server is pinned: " + pins);
      String names = admin("names");
      assertTrue(names.contains(identityOf("bob").fingerprint()),
          "bob's key is allowed and owns its name: " + names);
    }
  }

  @Test
  void aWrongJoinCodeStopsAtOncePinsNothingAndExitsSix() throws Exception {
    try (ChatServer server = server(ServerConfig.Access.ALLOWLIST)) {
      String invite = admin("invite", "--name", "bob");
      String code = invite.lines().filter(l -> l.startsWith("Join code: ")).findFirst()
          .orElseThrow().substring("Join code: ".length()).strip();
      String number = code.substring(0, code.indexOf('-'));
      String wrong = number + (code.endsWith("-crater-lantern") ? "-crater-ladder"
          : "-crater-lantern");
      ClientRun bob = newcomer(server, "bob", wrong);
      assertEquals(ExitCode.CODE_MISMATCH, bob.exitCode(), bob.err());
      assertTrue(bob.err().contains("the join code did not match"), bob.err());
      assertTrue(bob.err().contains("intercepting"), bob.err());
      assertTrue(!Files.exists(home.resolve("bob").resolve("known_servers"))
          || !Files.readString(home.resolve("bob").resolve("known_servers"))
              .contains(java.util.Base64.getEncoder()
                  .encodeToString(server.identity().publicKey())), "nothing was pinned");
    }
  }
}
