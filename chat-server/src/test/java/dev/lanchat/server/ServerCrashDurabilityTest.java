package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ServerMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged means kept, through a real server process: a client's SAYs, each acknowledged
 * by the PONG that follows it (the server appends an event before it answers anything after
 * it), survive a SIGKILL of the server JVM; the restarted server, on the same store, hands a
 * returning client every one of them once, in order, with ids that continue, and drops each
 * of them sent again (their client message ids survive the kill too).
 */
@Timeout(120)
class ServerCrashDurabilityTest {
  private static final int SAYS = 40;

  @TempDir
  Path dir;

  private Process startServer() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), ServerProcessMain.class.getName(),
        dir.resolve("server.db").toString(), dir.resolve("server.pem").toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static int portOf(Process server) throws Exception {
    BufferedReader in = new BufferedReader(
        new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line = in.readLine();
    assertTrue(line != null, "the server printed no port");
    return Integer.parseInt(line.strip());
  }

  private static void kill(Process server) throws Exception {
    server.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no checkpoint
    assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not die");
  }

  @Test
  void everySayAcknowledgedBeforeASigkillIsCaughtUpOnceInOrderAfterARestart() throws Exception {
    Identity alice = Identity.generate(new SecureRandom());
    List<String> acknowledged = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    long before;
    Process first = startServer();
    try {
      int port = portOf(first);
      try (TestClient client = TestClient.login(port, "alice", alice)) {
        client.enter("#general");
        before = client.log().stream().filter(m -> m instanceof ServerMessage.Joined)
            .mapToLong(m -> ((ServerMessage.Joined) m).event().id()).max().orElseThrow();
        for (int i = 0; i < SAYS; i++) {
          long id = client.nextId();
          client.send(new ClientMessage.Say(id, "#general", "line " + i));
          client.sync(); // PONG: the SAY before it was stored and sent
          acknowledged.add("line " + i);
          ids.add(id);
        }
        kill(first);
      }
    } finally {
      first.destroyForcibly();
    }
    assertEquals(137, first.exitValue(), "killed by SIGKILL (128 + 9)");
    Process second = startServer();
    try {
      int port = portOf(second);
      try (TestClient client = TestClient.login(port, "alice", alice)) {
        ServerMessage.Entered entered = client.enter("#general", before);
        assertEquals(0, entered.skipped());
        List<ServerMessage.Chat> caught = client.log().stream()
            .filter(m -> m instanceof ServerMessage.Chat).map(m -> (ServerMessage.Chat) m)
            .toList();
        assertEquals(acknowledged, caught.stream().map(ServerMessage.Chat::text).toList(),
            "every acknowledged SAY, once, in order");
        for (int i = 0; i < caught.size(); i++) {
          assertEquals(before + 1 + i, caught.get(i).event().id(), "ids continue, no hole");
        }
        ServerMessage.Joined again = (ServerMessage.Joined) client.log().stream()
            .filter(m -> m instanceof ServerMessage.Joined).reduce((a, b) -> b).orElseThrow();
        assertEquals(before + SAYS + 1, again.event().id(), "the next id follows the last kept");
        for (long id : ids) { // each SAY sent again, as a client unsure of them would
          client.send(new ClientMessage.Say(id, "#general", "sent again"));
        }
        client.say("#general", "new");
        ServerMessage.Chat next = (ServerMessage.Chat) client.awaitMatching(
            m -> m instanceof ServerMessage.Chat c && c.text().equals("new"), "the new line");
        assertEquals(before + SAYS + 2, next.event().id(), "no SAY sent again was kept");
        assertTrue(client.log().stream().noneMatch(
            m -> m instanceof ServerMessage.Chat c && c.text().equals("sent again")),
            "every SAY sent again was dropped as a repeat");
      }
    } finally {
      kill(second);
    }
  }
}
