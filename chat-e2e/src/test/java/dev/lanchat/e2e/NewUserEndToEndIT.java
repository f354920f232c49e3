package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 through the launchers: a piped bot at full speed loses nothing, a bad line is named
 * and fails the run, a confirmed key change is made to stick, and the server shows its
 * fingerprint once.
 */
class NewUserEndToEndIT {
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
    List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1",
        "--port", Integer.toString(port), "--identity", home.resolve(identityFile).toString(),
        "--no-discovery"));
    args.addAll(Arrays.asList(extra));
    Launched server = Launched.start("chat-server", home, args.toArray(String[]::new));
    server.awaitOut(line -> FINGERPRINT.matcher(line).find(), "its fingerprint");
    return server;
  }

  private static String fingerprintOf(Launched server) throws InterruptedException {
    Matcher m = FINGERPRINT.matcher(
        server.awaitOut(line -> FINGERPRINT.matcher(line).find(), "its fingerprint"));
    assertTrue(m.find());
    return m.group();
  }

  private Launched client(int port, String name, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1",
        "--port", Integer.toString(port), "--name", name));
    args.addAll(Arrays.asList(extra));
    return Launched.start("chat-client", home, args.toArray(String[]::new));
  }

  @Test
  void twoHundredPipedLinesAtFullSpeedAllArriveInOrderAndExitZero() throws Exception {
    try (Launched server = server(0, "id.pem");
        Launched bot = client(portOf(server), "bot", "--accept-new")) {
      for (int i = 1; i <= 200; i++) {
        bot.type("bulk " + i); // default limits: 10 a second, bursts of 20
      }
      bot.endInput();
      assertEquals(0, bot.awaitExit(), bot.transcript());
      List<String> said = bot.stdout().stream().filter(l -> l.contains("<bot> bulk "))
          .map(l -> l.substring(l.indexOf("<bot> ") + 6)).toList();
      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= 200; i++) {
        expected.add("bulk " + i);
      }
      assertEquals(expected, said, bot.transcript());
      assertTrue(bot.stderr().stream().noneMatch(l -> l.contains("rate")), bot.transcript());
      // the start-up fingerprint is shown once, not also as a log line
      String fingerprint = fingerprintOf(server);
      long shown = server.stdout().stream().filter(l -> l.contains(fingerprint)).count()
          + server.stderr().stream().filter(l -> l.contains(fingerprint)).count();
      assertEquals(1, shown, server.transcript());
    }
  }

  @Test
  void theConnectLineNamesTheServerAndAQuitMessageIsInEveryonesLeftLine() throws Exception {
    try (Launched server = server(0, "id.pem", "--name", "Kitchen");
        Launched bob = client(portOf(server), "bob", "--accept-new")) {
      bob.awaitOut("as bob (server Kitchen)");
      try (Launched alice = client(portOf(server), "alice", "--accept-new")) {
        alice.awaitOut("as alice (server Kitchen)");
        alice.type("/quit see you tomorrow");
        assertEquals(0, alice.awaitExit(), alice.transcript());
      }
      bob.awaitOut("* alice left: see you tomorrow");
      bob.endInput();
      assertEquals(0, bob.awaitExit(), bob.transcript());
    }
  }

  @Test
  void aPipedRunWithOneBadLineExitsFiveAndNamesThatLineOnStderr() throws Exception {
    try (Launched server = server(0, "id.pem");
        Launched bot = client(portOf(server), "bot", "--accept-new")) {
      bot.type("first");
      bot.type("/msg nobody hello");
      bot.type("last");
      bot.endInput();
      assertEquals(5, bot.awaitExit(), bot.transcript());
      assertTrue(bot.stderr().stream().anyMatch(l -> l.startsWith("! no such user: nobody")
          && l.contains("(line 2: /msg nobody hello)")), bot.transcript());
      assertTrue(bot.stdout().stream().anyMatch(l -> l.contains("<bot> last")), bot.transcript());
      assertTrue(bot.stdout().stream().noneMatch(l -> l.startsWith("!")), bot.transcript());
    }
  }

  @Test
  void forgetOrReplacePinThenAPlainRunConnectsWithoutAWarningAndTheFileStaysOwnerOnly()
      throws Exception {
    int port;
    try (Launched server = server(0, "first.pem");
        Launched alice = client(portOf(server), "alice", "--accept-new")) {
      port = portOf(server); // the next servers take the same port: pins are per host:port
      alice.endInput();
      assertEquals(0, alice.awaitExit(), alice.transcript());
      server.terminate();
      assertEquals(0, server.awaitExit(), server.transcript());
    }
    Path pins = home.resolve(".lanchat").resolve("known_servers");
    // the key changes; the warning names the exact commands
    try (Launched second = server(port, "second.pem")) {
      String fingerprint = fingerprintOf(second);
      try (Launched refused = client(port, "alice")) {
        refused.endInput();
        assertEquals(3, refused.awaitExit(), refused.transcript());
        assertTrue(refused.transcript().contains("chat-client --host 127.0.0.1 --port " + port
            + " --fingerprint " + fingerprint + " --replace-pin"), refused.transcript());
        assertTrue(refused.transcript().contains("chat-client --forget 127.0.0.1:" + port),
            refused.transcript());
      }
      try (Launched replace = client(port, "alice", "--fingerprint", fingerprint,
          "--replace-pin")) {
        replace.endInput();
        assertEquals(0, replace.awaitExit(), replace.transcript());
      }
      assertPlainRunConnectsQuietly(port, pins);
      second.terminate();
      assertEquals(0, second.awaitExit(), second.transcript());
    }
    try (Launched third = server(port, "third.pem")) {
      try (Launched forget = Launched.start("chat-client", home, "--forget",
          "127.0.0.1:" + port)) {
        assertEquals(0, forget.awaitExit(), forget.transcript());
      }
      try (Launched accept = client(port, "alice", "--accept-new")) {
        accept.endInput();
        assertEquals(0, accept.awaitExit(), accept.transcript());
      }
      assertPlainRunConnectsQuietly(port, pins);
      third.terminate();
      assertEquals(0, third.awaitExit(), third.transcript());
    }
  }

  private void assertPlainRunConnectsQuietly(int port, Path pins) throws Exception {
    try (Launched plain = client(port, "alice")) {
      plain.endInput();
      assertEquals(0, plain.awaitExit(), plain.transcript());
      assertTrue(plain.stderr().stream().noneMatch(l -> l.contains("WARNING")
          || l.contains("note:")), plain.transcript());
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pins)));
  }
}
