package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.HandshakeResult;
import dev.lanchat.common.handshake.ServerKeyVerifier;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.pake.JoinCode;
import dev.lanchat.common.pake.JoinCodeClient;
import dev.lanchat.common.pake.SessionBinding;
import dev.lanchat.server.store.InviteResult;
import dev.lanchat.server.store.Store;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Join codes on a running allowlist server (protocol, "Join codes"): codes made by {@code
 * chat-server invite} while it runs; a match allowlists the key and counts a use, anything else
 * is JOIN_CODE_FAILED, joins nothing, and leaves the server serving an allowed client.
 */
@Timeout(60)
class JoinCodeServerTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern CODE = Pattern.compile("Join code: (\\S+)");

  @TempDir
  Path dir;

  private ChatServer server;
  private TestClient watcher;

  private Path store() {
    return dir.resolve("server.db");
  }

  @BeforeEach
  void start() throws Exception {
    Identity watcherKey = Identity.generate(RANDOM);
    admin("allow", watcherKey.fingerprint());
    server = TestServers.start(TestServers.config().toBuilder().dataFile(store())
        .access(ServerConfig.Access.ALLOWLIST).build());
    watcher = TestClient.join(server.port(), "watcher", watcherKey);
  }

  @AfterEach
  void stop() throws IOException {
    watcher.close();
    server.close();
  }

  /** Runs {@code chat-server ARGS --data STORE}; its standard output. */
  private String admin(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = ServerCommand.commandLine(new ServerCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--data");
    all.add(store().toString());
    assertEquals(0, cl.execute(all.toArray(String[]::new)), all + ": " + out + err);
    return out.toString();
  }

  /** {@code chat-server invite ARGS}, while the server runs; the code it printed. */
  private String invite(String... args) {
    List<String> all = new ArrayList<>(List.of("invite"));
    all.addAll(List.of(args));
    Matcher m = CODE.matcher(admin(all.toArray(String[]::new)));
    assertTrue(m.find(), "the invite command prints the code");
    return m.group(1);
  }

  /**
   * A newcomer with a fresh key runs the exchange with {@code code}, then JOIN {@code name};
   * true when it was let in (server confirmation checked, WELCOME received), false when the
   * server said JOIN_CODE_FAILED and closed.
   */
  private boolean tryCode(String code, String name) throws Exception {
    Identity newcomer = Identity.generate(RANDOM);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
          10_000);
      socket.setSoTimeout((int) TestClient.WAIT.toMillis());
      FrameReader reader = new FrameReader(new BufferedInputStream(socket.getInputStream()));
      FrameWriter writer = new FrameWriter(socket.getOutputStream());
      HandshakeResult hs = ClientHandshake.run(reader, writer, newcomer, RANDOM,
          ServerKeyVerifier.TRUST_ANY);
      MessageChannel channel = new MessageChannel(hs.channel(reader, writer));
      JoinCodeClient client = JoinCodeClient.start(JoinCode.parse(code), new SessionBinding(
          hs.th().toByteArray(), hs.peerKey().orElseThrow().toByteArray(),
          newcomer.publicKey()), RANDOM);
      channel.send(new ClientMessage.JoinCode1(client.round1()));
      ServerMessage.JoinCode1 s1 =
          assertInstanceOf(ServerMessage.JoinCode1.class, channel.receiveFromServer());
      ServerMessage.JoinCode2 s2 =
          assertInstanceOf(ServerMessage.JoinCode2.class, channel.receiveFromServer());
      JoinCodeClient.Reply reply = client.reply(s1.round(), s2.round());
      channel.send(new ClientMessage.JoinCode2(reply.round2()));
      channel.send(new ClientMessage.JoinCodeConfirm(reply.confirm()));
      ServerMessage answer = channel.receiveFromServer();
      if (answer instanceof ServerMessage.Error error) {
        assertEquals(ErrorCode.JOIN_CODE_FAILED, error.errorCode().orElseThrow());
        watcher.sync();
        assertTrue(watcher.log().stream().noneMatch(
                m -> m instanceof ServerMessage.Joined j && j.member().name().equals(name)),
            "a refused code joins nothing");
        stillServes();
        return false;
      }
      ServerMessage.JoinCodeConfirm confirm =
          assertInstanceOf(ServerMessage.JoinCodeConfirm.class, answer);
      assertInstanceOf(JoinCodeClient.Matched.class, client.finish(confirm.confirm()));
      channel.send(new ClientMessage.Join(name));
      assertInstanceOf(ServerMessage.Welcome.class, channel.receiveFromServer());
      channel.send(new ClientMessage.Enter(TestClient.GENERAL, 0));
      watcher.awaitMatching(
          m -> m instanceof ServerMessage.Joined j && j.member().name().equals(name),
          "JOINED " + name);
      return true;
    }
  }

  private void stillServes() throws IOException {
    String text = "still here " + RANDOM.nextInt(1_000_000);
    watcher.send(TestClient.say(text));
    watcher.awaitMatching(m -> m instanceof ServerMessage.Chat c && c.text().equals(text),
        "MESSAGE " + text);
  }

  /** The same code with another pair of words: a wrong code for the same invite. */
  private static String wrong(String code) {
    String[] parts = code.split("-");
    String other = parts[1].equals("crater") ? "lantern" : "crater";
    return parts[0] + "-" + other + "-" + parts[2];
  }

  @Test
  void theRightCodeLetsANewcomerInAndAllowsItsKey() throws Exception {
    String code = invite("--name", "newbie");
    assertTrue(tryCode(code, "newbie"));
    assertTrue(admin("names").contains("newbie"), "the invite's name is bound to the new key");
  }

  @Test
  void aWrongCodeFails() throws Exception {
    String code = invite();
    assertFalse(tryCode(wrong(code), "guesser"));
  }

  @Test
  void threeWrongCodesBurnTheInviteAndTheRightOneThenFails() throws Exception {
    String code = invite("--uses", "5");
    for (int i = 0; i < 3; i++) {
      assertFalse(tryCode(wrong(code), "guesser" + i), "try " + (i + 1));
    }
    assertFalse(tryCode(code, "late"), "the invite burned after three failures");
  }

  @Test
  void aRevokedCodeFails() throws Exception {
    String code = invite();
    admin("revoke", code);
    assertFalse(tryCode(code, "revoked"));
  }

  @Test
  void anExpiredCodeFails() throws Exception {
    // made with a clock an hour behind: its ten minutes ran out fifty minutes ago
    Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
    String code;
    try (Store other = Store.open(store(), past)) {
      code = assertInstanceOf(InviteResult.Created.class, other.createInvite(Optional.empty(),
          Duration.ofMinutes(10), 1, RANDOM)).invite().code().text();
    }
    assertFalse(tryCode(code, "expired"));
  }

  @Test
  void aCodeWithNUsesWorksExactlyNTimes() throws Exception {
    String code = invite("--uses", "3");
    for (int i = 0; i < 3; i++) {
      assertTrue(tryCode(code, "guest" + i), "use " + (i + 1));
    }
    assertFalse(tryCode(code, "guest3"), "no use left");
  }

  @Test
  void eachFailedCodeCountsAgainstTheAddressConnectRate() throws Exception {
    // A bucket of 5 that hardly refills: the watcher takes 1, each failed try 1 to connect and
    // 1 for its failure, so after two failures nothing is left; uncharged, 2 would be.
    watcher.close();
    server.close();
    server = TestServers.start(TestServers.config().toBuilder().dataFile(store())
        .access(ServerConfig.Access.ALLOWLIST).connectRate(0.001, 5).build());
    Identity watcherKey = Identity.generate(RANDOM);
    admin("allow", watcherKey.fingerprint());
    watcher = TestClient.join(server.port(), "watcher2", watcherKey);
    String code = invite("--uses", "5");
    for (int i = 0; i < 2; i++) {
      assertFalse(tryCode(wrong(code), "guesser" + i), "try " + (i + 1));
    }
    try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      raw.setSoTimeout((int) TestClient.WAIT.toMillis());
      int first;
      try {
        first = raw.getInputStream().read();
      } catch (IOException e) {
        first = -1; // reset: refused just the same
      }
      assertEquals(-1, first, "refused as too fast: no ServerHello");
    }
  }

  @Test
  void aNumberWithNoInviteFailsLikeAWrongCode() throws Exception {
    String code = invite();
    int number = Integer.parseInt(code.split("-")[0]);
    String unused = ((number + 1) % 100) + code.substring(code.indexOf('-'));
    assertFalse(tryCode(unused, "nobody"));
  }
}
