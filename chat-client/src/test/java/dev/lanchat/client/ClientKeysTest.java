package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.pake.CodeConfirm;
import dev.lanchat.common.pake.JoinCode;
import dev.lanchat.common.pake.JoinCodeServer;
import dev.lanchat.common.pake.SessionBinding;
import java.security.SecureRandom;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's key as the server sees it (refusals: NAME_BOUND, NOT_ALLOWED, the
 * authentication errors), a server of another protocol version, and the members' keys
 * ({@code /whois}, the known-peers warning), against scripted servers.
 */
class ClientKeysTest {
  @TempDir
  Path home;

  private ClientRun start(int port, String... more) throws IOException {
    List<String> args = new java.util.ArrayList<>(List.of("--host", "127.0.0.1",
        "--port", String.valueOf(port), "--accept-new",
        "--known-servers", home.resolve("known_servers").toString(),
        "--identity", home.resolve("identity.pem").toString()));
    args.addAll(List.of(more));
    return ClientRun.start(args.toArray(String[]::new));
  }

  private static Member keyed(String name, int fill) {
    byte[] key = new byte[Member.KEY_SIZE];
    Arrays.fill(key, (byte) fill);
    return new Member(name, key);
  }

  @Test
  void nameBoundExitsFourShowingTheServersReason() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server.port(), "--name", "alice");
      try (FakeServer.Peer peer = server.accept()) {
        assertEquals(new ClientMessage.Join("alice"), peer.receive());
        peer.send(new ServerMessage.Error(ErrorCode.NAME_BOUND,
            "the name alice belongs to another key"));
        peer.expectEnd();
      }
      assertEquals(ExitCode.NOT_JOINED, client.exitCode());
      assertTrue((client.out() + client.err())
          .contains("! name bound: the name alice belongs to another key"), client.out());
    }
  }

  @Test
  void notAllowedExitsFourShowingOurFingerprintAndTheAdminsCommand() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server.port(), "--name", "alice");
      String fingerprint;
      try (FakeServer.Peer peer = server.accept()) {
        peer.receive(); // CLIENT_AUTH is checked first, then the JOIN behind it
        fingerprint = Fingerprint.of(peer.clientKey());
        peer.send(new ServerMessage.Error(ErrorCode.NOT_ALLOWED,
            "the key " + fingerprint + " is not allowed here"));
      }
      assertEquals(ExitCode.NOT_JOINED, client.exitCode());
      assertEquals(Identity.load(home.resolve("identity.pem")).fingerprint(), fingerprint,
          "the key proven is the one in --identity");
      String err = client.err();
      assertTrue(err.contains("your key is " + fingerprint), err);
      assertTrue(err.contains("ask the server's admin to run: chat-server allow " + fingerprint
          + " --name alice"), err);
    }
  }

  @Test
  void authenticationErrorsAreProtocolFailuresNotRefusals() throws Exception {
    for (ErrorCode code : List.of(ErrorCode.AUTH_FAILED, ErrorCode.AUTH_REQUIRED)) {
      try (FakeServer server = new FakeServer()) {
        ClientRun client = start(server.port(), "--name", "alice");
        try (FakeServer.Peer peer = server.accept()) {
          peer.receive();
          peer.send(new ServerMessage.Error(code, "client authentication failed"));
        }
        assertEquals(ExitCode.CONNECTION, client.exitCode(), code.name());
        assertTrue(client.err().contains("protocol failure"), client.err());
      }
    }
  }

  @Test
  void aVersionOneServerIsNamedWithItsVersionAndTheClientSendsNothing() throws Exception {
    try (ServerSocket listener = new ServerSocket()) {
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      listener.setSoTimeout(FakeServer.TIMEOUT_MS);
      ClientRun client = start(listener.getLocalPort(), "--name", "alice");
      try (Socket s = listener.accept()) {
        s.setSoTimeout(FakeServer.TIMEOUT_MS);
        // a version 1 ServerHello: u32 length 104, "LANCHAT", 0x01, Se, salt, Si
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeInt(104);
        out.write("LANCHAT".getBytes(StandardCharsets.US_ASCII));
        out.write(1);
        out.write(new byte[96]);
        out.flush();
        InputStream in = s.getInputStream();
        assertEquals(-1, in.read(), "the client closes without sending its ClientHello");
      }
      int exit = client.exitCode();
      String err = client.err();
      assertTrue(err.contains("the server at 127.0.0.1:" + listener.getLocalPort()
          + " speaks LanChat protocol 1; this client needs 2"), err);
      assertEquals(ExitCode.CONNECTION, exit);
    }
  }

  @Test
  void whoisShowsAMembersFingerprintAndSaysWhenANameIsNotHere() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server.port(), "--name", "alice",
          "--known-peers", home.resolve("peers").toString());
      try (FakeServer.Peer peer = server.accept()) {
        assertEquals(new ClientMessage.Join("alice"), peer.receive());
        peer.enter(new ServerMessage.Welcome("alice", "fake", "", 0, 0, 20),
            List.of(keyed("Bob", 7)));
        client.type("/whois bob").type("/whois carol").type("/whois alice");
        client.endInput();
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, client.exitCode());
      List<String> out = client.outLines();
      assertTrue(out.contains("* Bob has the key " + Fingerprint.of(keyed("Bob", 7).key())),
          client.out());
      assertTrue(out.contains("* carol is not here"), client.out());
      assertTrue(out.contains("* alice has the key "
          + Identity.load(home.resolve("identity.pem")).fingerprint()), client.out());
    }
  }

  @Test
  void aKnownNameWithAnotherKeyIsWarnedAboutLoudlyWithBothFingerprints() throws Exception {
    Path peers = home.resolve("known_peers");
    try (FakeServer server = new FakeServer()) {
      ClientRun first = start(server.port(), "--name", "alice");
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("", "bob");
        first.endInput();
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, first.exitCode());
      assertFalse(first.err().contains("WARNING"), "a new name is remembered silently");
      String remembered = Files.readString(peers);
      assertTrue(remembered.contains(" bob ed25519 "), remembered);

      ClientRun second = start(server.port(), "--name", "alice");
      Member impostor = keyed("bob", 9);
      try (FakeServer.Peer peer = server.accept()) {
        assertEquals(new ClientMessage.Join("alice"), peer.receive());
        peer.enter(new ServerMessage.Welcome("alice", "fake", "", 0, 0, 20), List.of(impostor));
        second.type("/whois bob"); // read only once #general's roster has been taken in
        second.endInput();
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, second.exitCode());
      String err = second.err();
      String old = Fingerprint.of(FakeServer.member("bob").key());
      String now = Fingerprint.of(impostor.key());
      assertTrue(err.lines().anyMatch(l -> l.startsWith("! WARNING: bob has another key")), err);
      assertTrue(err.contains(old) && err.contains(now), err);
      assertTrue(err.contains("reset") && err.contains("not honest"), err);
      assertTrue(err.lines().allMatch(l -> l.startsWith("!")), "every warning line is a ! line");
      assertFalse(second.out().contains("WARNING"), "the warning goes to stderr when piped");
      assertTrue(second.out().contains("(NOT the key it had before: " + old + ")"),
          second.out());
      assertEquals(remembered, Files.readString(peers), "the key known before is kept");
    }
  }

  @Test
  void anInterceptorWithItsOwnKeyAndAGuessedCodeIsDetectedAndNothingIsPinned() throws Exception {
    // someone in between cannot sign as the real server, so it shows its own key and runs the
    // exchange itself with the code it guesses; it then sends a confirmation of its own making
    try (FakeServer mitm = new FakeServer()) {
      // a newcomer: no --accept-new, no pin, only the code
      ClientRun client = ClientRun.start("--host", "127.0.0.1", "--port",
          String.valueOf(mitm.port()), "--name", "bob", "--join-code", "7-crater-ladder",
          "--known-servers", home.resolve("fresh_known_servers").toString(),
          "--identity", home.resolve("identity.pem").toString());
      try (FakeServer.Peer peer = mitm.accept()) {
        ClientMessage.JoinCode1 first = assertInstanceOf(ClientMessage.JoinCode1.class,
            peer.receive());
        SessionBinding binding = new SessionBinding(peer.th().toByteArray(),
            mitm.identity().publicKey(), peer.clientKey().toByteArray());
        JoinCodeServer guess = JoinCodeServer.start(JoinCode.parse("7-crater-lantern"), binding,
            new SecureRandom(), first.round());
        peer.send(new ServerMessage.JoinCode1(guess.round1()),
            new ServerMessage.JoinCode2(guess.round2()));
        ClientMessage.JoinCode2 second = assertInstanceOf(ClientMessage.JoinCode2.class,
            peer.receive());
        ClientMessage.JoinCodeConfirm confirm = assertInstanceOf(
            ClientMessage.JoinCodeConfirm.class, peer.receive());
        assertInstanceOf(JoinCodeServer.Mismatched.class,
            guess.finish(second.round(), confirm.confirm()));
        byte[] forged = new byte[32];
        new SecureRandom().nextBytes(forged);
        peer.send(new ServerMessage.JoinCodeConfirm(CodeConfirm.parse(forged)));
        peer.expectEnd(); // no JOIN: the client stops at once
      }
      assertEquals(ExitCode.CODE_MISMATCH, client.exitCode(), client.err());
      assertTrue(client.err().contains("someone is intercepting the connection"), client.err());
      Path pins = home.resolve("fresh_known_servers");
      assertFalse(Files.exists(pins) && Files.readString(pins).contains(
          java.util.Base64.getEncoder().encodeToString(mitm.identity().publicKey())),
          "nothing was pinned");
    }
  }
}
