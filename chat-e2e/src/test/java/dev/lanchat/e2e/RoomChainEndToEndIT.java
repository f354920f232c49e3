package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 with the real jars, through the {@code scripts/} launchers: two honest piped clients
 * in #general show the same {@code /verify} words at the same event id, and after one more
 * message both show new words together, one event later, with no chain warning on either side.
 */
class RoomChainEndToEndIT {
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");
  /** The one line a piped /verify prints. */
  private static final Pattern VERIFY =
      Pattern.compile("\\* #general at event (\\d+): [a-z]+( [a-z]+){5}");

  @TempDir
  Path home;

  private Launched server() throws Exception {
    Launched server = Launched.start("chat-server", home, "--bind", "127.0.0.1", "--port", "0",
        "--identity", home.resolve("id.pem").toString(), "--no-discovery");
    server.awaitOut(line -> FINGERPRINT.matcher(line).find(), "its fingerprint");
    return server;
  }

  private static int portOf(Launched server) throws InterruptedException {
    Matcher m = LISTENING.matcher(
        server.awaitOut(line -> LISTENING.matcher(line).find(), "the port it listens on"));
    assertTrue(m.find());
    return Integer.parseInt(m.group(1));
  }

  private Launched client(int port, String name) throws IOException {
    return Launched.start("chat-client", home, "--host", "127.0.0.1",
        "--port", Integer.toString(port), "--name", name, "--accept-new");
  }

  /** Types /verify and returns the first verify line other than {@code before}. */
  private static String verify(Launched client, String before) throws Exception {
    client.type("/verify");
    return client.awaitOut(line -> VERIFY.matcher(line).matches() && !line.equals(before),
        "a /verify line");
  }

  private static long eventOf(String verifyLine) {
    Matcher m = VERIFY.matcher(verifyLine);
    assertTrue(m.matches(), verifyLine);
    return Long.parseLong(m.group(1));
  }

  @Test
  void twoHonestClientsShowTheSameWordsAtTheSameEventAndChangeTogether() throws Exception {
    try (Launched server = server();
        Launched bob = client(portOf(server), "bob")) {
      int port = portOf(server);
      bob.awaitOut("as bob");
      try (Launched alice = client(port, "alice")) {
        alice.awaitOut("as alice");
        bob.awaitOut("* alice joined");
        alice.type("hello, shall we compare?");
        bob.awaitOut("<alice> hello, shall we compare?");
        alice.awaitOut("<alice> hello, shall we compare?");

        String aliceFirst = verify(alice, "");
        String bobFirst = verify(bob, "");
        System.out.println("alice: " + aliceFirst + "\nbob:   " + bobFirst);
        assertEquals(aliceFirst, bobFirst, "the same words at the same event");

        bob.type("yes: one more");
        alice.awaitOut("<bob> yes: one more");
        bob.awaitOut("<bob> yes: one more");
        String aliceSecond = verify(alice, aliceFirst);
        String bobSecond = verify(bob, bobFirst);
        System.out.println("alice: " + aliceSecond + "\nbob:   " + bobSecond);
        assertEquals(aliceSecond, bobSecond, "both changed to the same words");
        assertEquals(eventOf(aliceFirst) + 1, eventOf(aliceSecond), "one event later");
        assertNotEquals(aliceFirst.substring(aliceFirst.indexOf(':')),
            aliceSecond.substring(aliceSecond.indexOf(':')), "new words");

        alice.endInput();
        assertEquals(0, alice.awaitExit(), alice.transcript());
        assertTrue(alice.stderr().stream().noneMatch(l -> l.contains("WARNING")),
            alice.transcript());
      }
      bob.endInput();
      assertEquals(0, bob.awaitExit(), bob.transcript());
      assertTrue(bob.stderr().stream().noneMatch(l -> l.contains("WARNING")), bob.transcript());
    }
  }
}
