package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's walk-through with the real jars, through the {@code scripts/} launchers: start a
 * server, connect two clients, chat, leave; plus the outcomes a user meets first (name taken,
 * a server whose key changed, the server shutting down).
 */
class ChatEndToEndIT {
  private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");

  @TempDir
  Path home;

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  /** The port a server started with {@code --port 0} took, as its banner says. */
  private static int portOf(Launched server) throws InterruptedException {
    Matcher m = LISTENING.matcher(
        server.awaitOut(line -> LISTENING.matcher(line).find(), "the port it listens on"));
    assertTrue(m.find());
    return Integer.parseInt(m.group(1));
  }

  private Launched server(int port, String identityFile, String... extra) throws Exception {
    Launched server = Launched.start("chat-server", home, with(extra, "--bind", "127.0.0.1",
        "--port", Integer.toString(port), "--identity", home.resolve(identityFile).toString()));
    server.awaitOut(line -> FINGERPRINT.matcher(line).find(), "its fingerprint");
    return server;
  }

  /** {@code first} followed by {@code extra}. */
  private static String[] with(String[] extra, String... first) {
    String[] all = Arrays.copyOf(first, first.length + extra.length);
    System.arraycopy(extra, 0, all, first.length, extra.length);
    return all;
  }

  private static String fingerprintOf(Launched server) throws InterruptedException {
    Matcher m = FINGERPRINT.matcher(
        server.awaitOut(line -> FINGERPRINT.matcher(line).find(), "its fingerprint"));
    assertTrue(m.find());
    return m.group();
  }

  private Launched client(int port, String name, String... extra) throws IOException {
    return Launched.start("chat-client", home, with(extra, "--host", "127.0.0.1",
        "--port", Integer.toString(port), "--name", name));
  }

  @Test
  void twoPipedClientsChatThroughARealServerAndLeaveCleanly() throws Exception {
    try (Launched server = server(0, "id.pem", "--no-discovery");
        Launched bob = client(portOf(server), "bob", "--accept-new")) {
      int port = portOf(server);
      bob.awaitOut("as bob");

      try (Launched alice = client(port, "alice", "--accept-new")) {
        alice.type("hello everyone");
        alice.type("/msg BOB psst");
        alice.endInput();
        assertEquals(0, alice.awaitExit(), alice.transcript());
        assertTrue(alice.stdout().stream().anyMatch(l -> l.contains("<alice> hello everyone")),
            alice.transcript());
        assertTrue(alice.stdout().stream().anyMatch(l -> l.contains("[alice -> bob] psst")),
            alice.transcript());
      }

      bob.awaitOut("* alice joined");
      bob.awaitOut("<alice> hello everyone");
      bob.awaitOut("[alice -> bob] psst");
      String left = bob.awaitOut("* alice left");
      assertTrue(left.endsWith("* alice left"), "a BYE leaves with no reason: " + left);

      bob.endInput();
      assertEquals(0, bob.awaitExit(), bob.transcript());
    }
  }

  @Test
  void aNameTakenBySkeletonEndsAPipedClientWithExitCodeFour() throws Exception {
    try (Launched server = server(0, "id.pem", "--no-discovery");
        Launched alice = client(portOf(server), "alice", "--accept-new")) {
      int port = portOf(server);
      alice.awaitOut("as alice");
      try (Launched impostor = client(port, "A1ice", "--accept-new")) {
        impostor.endInput();
        assertEquals(4, impostor.awaitExit(), impostor.transcript());
        assertTrue(String.join("\n", impostor.stdout()).contains("name taken")
            || String.join("\n", impostor.stderr()).contains("name taken"), impostor.transcript());
      }
      alice.endInput();
      assertEquals(0, alice.awaitExit(), alice.transcript());
    }
  }

  @Test
  void aServerWithAnotherKeyOnAPinnedAddressIsRefusedWithBothFingerprints() throws Exception {
    int port;
    String first;
    try (Launched server = server(0, "first.pem", "--no-discovery");
        Launched alice = client(portOf(server), "alice", "--accept-new")) {
      port = portOf(server);
      first = fingerprintOf(server);
      alice.endInput();
      assertEquals(0, alice.awaitExit(), alice.transcript());
      server.terminate();
      assertEquals(0, server.awaitExit(), server.transcript());
    }
    Path pins = home.resolve(".lanchat").resolve("known_servers");
    assertTrue(Files.readString(pins).contains("127.0.0.1:" + port), "pinned by --accept-new");
    String pinsBefore = Files.readString(pins);

    try (Launched impostor = server(port, "second.pem", "--no-discovery");
        Launched alice = client(port, "alice")) {
      String second = fingerprintOf(impostor);
      alice.endInput();
      assertEquals(3, alice.awaitExit(), alice.transcript());
      String said = alice.transcript();
      assertTrue(said.contains(first) && said.contains(second), said);
      assertTrue(said.contains(pins.toString()), "names the file to edit: " + said);
    }
    assertEquals(pinsBefore, Files.readString(pins), "a refused server changes no pin");
  }

  @Test
  void sigtermSaysByeToEveryClientAndExitsZero() throws Exception {
    try (Launched server = server(0, "id.pem", "--no-discovery");
        // reconnecting off: this checks the goodbye itself, not what a client does after it
        Launched bob = client(portOf(server), "bob", "--accept-new", "--reconnect-for", "0")) {
      int port = portOf(server);
      bob.awaitOut("as bob");
      server.terminate();
      assertEquals(0, server.awaitExit(), server.transcript());
      assertEquals(1, bob.awaitExit(), bob.transcript());
      assertTrue(bob.transcript().contains("server closed the connection"), bob.transcript());
    }
  }

  @Test
  void aClientGivenOnlyANameFindsTheServerByDiscoveryAndJoins() throws Exception {
    try (Launched server = server(0, "id.pem");
        Launched carol = Launched.start("chat-client", home, "--name", "carol", "--port",
            Integer.toString(portOf(server)), "--discovery-address", "127.0.0.1",
            "--accept-new")) {
      int port = portOf(server);
      server.awaitOut("LAN discovery: answering on UDP port " + port);
      carol.awaitOut("as carol");
      carol.endInput();
      assertEquals(0, carol.awaitExit(), carol.transcript());
      assertTrue(carol.transcript().contains("found"), carol.transcript());
    }
  }
}
