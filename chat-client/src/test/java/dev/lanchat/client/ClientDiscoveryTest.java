package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.discovery.DiscoveryReply;
import dev.lanchat.common.discovery.DiscoveryRequest;
import dev.lanchat.common.trust.KnownServers;
import dev.lanchat.server.DiscoveryResponder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol §8 from the command line: {@code --discover}, and joining without {@code --host}.
 * Discovery goes to loopback only: every run names its {@code --discovery-address} (and
 * {@link ClientRun} refuses a run that would broadcast). A {@link DiscoveryResponder} answers
 * on UDP port {@code --port} and announces the TCP port of a {@link FakeServer}, which is what
 * the client then joins.
 */
class ClientDiscoveryTest {
  // loopback replies come at once; the margin is for a busy machine
  private static final String WAIT_MS = "1000";
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  Path home;

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private Path knownServers() {
    return home.resolve("known_servers");
  }

  private DiscoveryResponder responder(String ip, int udpPort, int tcpPort, Identity identity,
      String name) throws IOException {
    DiscoveryResponder r = DiscoveryResponder.start(InetAddress.getByName(ip), udpPort, tcpPort,
        identity, name, 0);
    closing.add(r);
    return r;
  }

  private FakeServer fakeServer(String ip, Identity identity) throws IOException {
    FakeServer server = new FakeServer(identity, InetAddress.getByName(ip));
    closing.add(server);
    return server;
  }

  /** Starts the client with discovery aimed at {@code udpPort} on {@code targets}. */
  private ClientRun start(int udpPort, List<String> targets, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("--port", String.valueOf(udpPort),
        "--known-servers", knownServers().toString(), "--discovery-wait-ms", WAIT_MS,
        "--identity", home.resolve("identity.pem").toString()));
    for (String target : targets) {
      args.add("--discovery-address");
      args.add(target);
    }
    args.addAll(List.of(more));
    return ClientRun.start(args.toArray(String[]::new));
  }

  private void pin(String hostPort, Identity identity) throws IOException {
    KnownServers.load(knownServers()).pin(hostPort, identity.publicKey(), false);
  }

  private static void shortSession(FakeServer server, ClientRun client) throws Exception {
    try (FakeServer.Peer peer = server.accept()) {
      peer.welcome("");
      client.endInput();
      peer.answerGoodbye();
    }
    assertEquals(ExitCode.OK, client.exitCode(), client.err());
  }

  @Test
  void discoverListsEveryServerThatAnsweredAndExitsZero() throws Exception {
    Identity alpha = Identity.generate(RANDOM);
    Identity beta = Identity.generate(RANDOM);
    DiscoveryResponder a = responder("127.0.0.2", 0, 4242, alpha, "alpha");
    int port = a.port();
    responder("127.0.0.3", port, 4343, beta, "beta\u001B[31m");
    pin("127.0.0.2:4242", alpha);

    ClientRun client = start(port, List.of("127.0.0.2", "127.0.0.3"), "--discover");

    assertEquals(ExitCode.OK, client.exitCode(), client.err());
    assertEquals(List.of(
        "alpha  127.0.0.2:4242  " + alpha.fingerprint() + "  pinned",
        "beta\\x1B[31m  127.0.0.3:4343  " + beta.fingerprint() + "  not pinned"),
        client.outLines().stream().sorted().toList());
    assertEquals("", client.err());
  }

  @Test
  void discoverWithNobodyAnsweringExitsOneAndSuggestsHost() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      ClientRun client = start(silent.getLocalPort(), List.of("127.0.0.1"), "--discover");
      assertEquals(ExitCode.CONNECTION, client.exitCode());
      assertEquals("! no LanChat server answered on the local network; start one or pass "
          + "--host\n", client.err());
      assertEquals("", client.out());
    }
  }

  @Test
  void withoutHostTheOnlyServerThatAnsweredIsJoined() throws Exception {
    FakeServer server = fakeServer("127.0.0.1", FakeServer.newIdentity());
    DiscoveryResponder r = responder("127.0.0.1", 0, server.port(), server.identity(), "lab");

    ClientRun client = start(r.port(), List.of("127.0.0.1"), "--name", "alice",
        "--accept-new");
    shortSession(server, client);

    assertTrue(client.err().contains("* found lab at " + server.hostPort()), client.err());
    assertTrue(client.out().contains("* connected to " + server.hostPort() + " as alice"),
        client.out());
    assertEquals(KnownServers.Outcome.MATCH, KnownServers.load(knownServers())
        .check(server.hostPort(), server.identity().publicKey()).outcome());
  }

  @Test
  void withoutHostAndWithoutATerminalSeveralServersExitTwoListingThem() throws Exception {
    Identity alpha = Identity.generate(RANDOM);
    Identity beta = Identity.generate(RANDOM);
    FakeServer a = fakeServer("127.0.0.2", alpha);
    FakeServer b = fakeServer("127.0.0.3", beta);
    DiscoveryResponder ra = responder("127.0.0.2", 0, a.port(), alpha, "alpha");
    responder("127.0.0.3", ra.port(), b.port(), beta, "beta");

    ClientRun client = start(ra.port(), List.of("127.0.0.2", "127.0.0.3"), "--name", "alice",
        "--accept-new");

    assertEquals(ExitCode.USAGE, client.exitCode());
    List<String> err = client.err().lines().toList();
    assertEquals("! 2 LanChat servers answered; pass --host (and --port) to choose one:",
        err.get(0));
    assertEquals(List.of(
        "  alpha  " + a.hostPort() + "  " + alpha.fingerprint() + "  not pinned",
        "  beta  " + b.hostPort() + "  " + beta.fingerprint() + "  not pinned"),
        err.subList(1, err.size()).stream().sorted().toList());
    assertFalse(a.connectionWaiting(), "no server is joined");
    assertFalse(b.connectionWaiting(), "no server is joined");
  }

  @Test
  void atATerminalThePersonPicksAServerByNumberAndJoinsIt() throws Exception {
    Identity alpha = Identity.generate(RANDOM);
    Identity beta = Identity.generate(RANDOM);
    FakeServer a = fakeServer("127.0.0.2", alpha);
    FakeServer b = fakeServer("127.0.0.3", beta);
    DiscoveryResponder ra = responder("127.0.0.2", 0, a.port(), alpha, "alpha");
    responder("127.0.0.3", ra.port(), b.port(), beta, "beta");
    String[] args = {"--port", String.valueOf(ra.port()), "--discovery-address", "127.0.0.2",
        "--discovery-address", "127.0.0.3", "--discovery-wait-ms", WAIT_MS,
        "--known-servers", knownServers().toString(), "--name", "alice",
        "--identity", home.resolve("identity.pem").toString()};
    ClientRun.requireLoopbackDiscovery(args);

    try (VirtualTerminal vt = new VirtualTerminal()) {
      ClientCommand command = new ClientCommand(
          color -> new InteractiveConsole(vt.terminal(), color), Map.of(), ZoneOffset.UTC);
      PrintWriter sink = new PrintWriter(new ByteArrayOutputStream(), true,
          StandardCharsets.UTF_8);
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
          ClientCommand.commandLine(command).setOut(sink).setErr(sink).execute(args));

      int at = vt.await(") beta  " + b.hostPort() + "  " + beta.fingerprint() + "  not pinned",
          0);
      char number = vt.drawn().charAt(at - 1);
      vt.await("Connect to which server? [1-2] ", at);
      vt.type(number + "\r");
      try (FakeServer.Peer peer = b.accept()) {
        at = vt.await("* found beta at " + b.hostPort(), at);
        vt.await("[y/N] ", at);
        vt.type("y\r");
        peer.welcome("");
        vt.await("* connected to " + b.hostPort() + " as ", at);
        vt.type("/quit\r");
        peer.answerGoodbye();
      }
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
      assertFalse(a.connectionWaiting(), "the other server is not joined");
    }
    assertEquals(KnownServers.Outcome.MATCH, KnownServers.load(knownServers())
        .check(b.hostPort(), beta.publicKey()).outcome());
  }

  @Test
  void aPinnedServerFoundAtANewAddressIsJoinedThereAndPinnedThere() throws Exception {
    Identity identity = FakeServer.newIdentity();
    FakeServer server = fakeServer("127.0.0.3", identity);
    String old = "127.0.0.2:" + server.port();
    pin(old, identity);
    DiscoveryResponder r = responder("127.0.0.3", 0, server.port(), identity, "lab");

    // no --accept-new and no terminal: only the moved-key rule can let this connection through
    ClientRun client = start(r.port(), List.of("127.0.0.3"), "--name", "alice");
    shortSession(server, client);

    assertTrue(client.err().contains("* server lab (" + identity.fingerprint() + ") moved from "
        + old + " to " + server.hostPort()), client.err());
    KnownServers known = KnownServers.load(knownServers());
    assertEquals(KnownServers.Outcome.MATCH,
        known.check(server.hostPort(), identity.publicKey()).outcome(), "the new address is pinned");
    assertEquals(KnownServers.Outcome.MATCH, known.check(old, identity.publicKey()).outcome(),
        "the old pin stays");
  }

  @Test
  void aMovedServerMustStillProveThePinnedKeyInTheHandshake() throws Exception {
    Identity pinned = FakeServer.newIdentity();
    FakeServer server = fakeServer("127.0.0.3", FakeServer.newIdentity());
    pin("127.0.0.2:" + server.port(), pinned);
    // the reply claims the pinned key, but the server at that address proves another one
    DiscoveryResponder r = responder("127.0.0.3", 0, server.port(), pinned, "lab");

    ClientRun client = start(r.port(), List.of("127.0.0.3"), "--name", "alice",
        "--accept-new");
    try (FakeServer.Peer peer = server.accept()) {
      peer.expectEnd();
    }

    assertEquals(ExitCode.UNTRUSTED, client.exitCode());
    assertTrue(client.err().contains("not the one you expected"), client.err());
    assertEquals(KnownServers.Outcome.UNKNOWN, KnownServers.load(knownServers())
        .check(server.hostPort(), server.identity().publicKey()).outcome(), "nothing pinned");
  }

  @Test
  void anotherKeyAtAPinnedAddressIsStillRefused() throws Exception {
    FakeServer server = fakeServer("127.0.0.1", FakeServer.newIdentity());
    Identity pinned = FakeServer.newIdentity();
    pin(server.hostPort(), pinned);
    DiscoveryResponder r = responder("127.0.0.1", 0, server.port(), server.identity(), "lab");

    ClientRun client = start(r.port(), List.of("127.0.0.1"), "--name", "alice",
        "--accept-new");
    try (FakeServer.Peer peer = server.accept()) {
      peer.expectEnd();
    }

    assertEquals(ExitCode.UNTRUSTED, client.exitCode());
    assertTrue(client.err().contains("has CHANGED"), client.err());
    assertTrue(client.err().contains("pinned:  " + pinned.fingerprint()), client.err());
  }

  @Test
  void forgedRepliesAreIgnoredSoNobodyAnswered() throws Exception {
    Identity genuine = Identity.generate(RANDOM);
    Identity impostor = Identity.generate(RANDOM);
    byte[] otherNonce = DiscoveryRequest.random(RANDOM).nonce().toByteArray();
    try (DatagramSocket fake = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      fake.setSoTimeout(10_000);
      // its own thread: the common pool may have a single worker, which the client run needs
      FutureTask<Void> forger = new FutureTask<>(() -> {
        byte[] buffer = new byte[200];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        fake.receive(packet);
        byte[] nonce = DiscoveryRequest.parse(buffer, packet.getLength()).orElseThrow()
            .nonce().toByteArray();
        List<byte[]> forged = List.of(
            // signed for another request's nonce
            DiscoveryReply.sign(genuine, otherNonce, 4242, "lab").encode(),
            // the genuine signature presented under another key
            new DiscoveryReply(4242, impostor.publicKey(),
                DiscoveryReply.sign(genuine, nonce, 4242, "lab").sig().toByteArray(), "lab")
                .encode());
        for (byte[] datagram : forged) {
          fake.send(new DatagramPacket(datagram, datagram.length, packet.getSocketAddress()));
        }
        return null;
      });
      Thread forgerThread = new Thread(forger, "forger");
      forgerThread.setDaemon(true);
      forgerThread.start();

      ClientRun client = start(fake.getLocalPort(), List.of("127.0.0.1"), "--name", "alice",
          "--accept-new");

      assertEquals(ExitCode.CONNECTION, client.exitCode(), client.err());
      assertEquals("! no LanChat server answered on the local network; start one or pass "
          + "--host\n", client.err());
      forger.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void discoverTakesNoHost() throws Exception {
    ClientRun client = ClientRun.start("--discover", "--host", "127.0.0.1",
        "--discovery-address", "127.0.0.1");
    assertEquals(ExitCode.USAGE, client.exitCode());
    assertTrue(client.err().contains("--discover lists the servers on the local network; it "
        + "takes no --host"), client.err());
  }

  @Test
  void theTestGuardRefusesARunThatWouldLeaveLoopback() {
    assertThrows(AssertionError.class, () -> ClientRun.requireLoopbackDiscovery("--name", "a"));
    assertThrows(AssertionError.class, () -> ClientRun.requireLoopbackDiscovery("--discover",
        "--host", "127.0.0.1"));
    assertThrows(AssertionError.class, () -> ClientRun.requireLoopbackDiscovery("--discover",
        "--discovery-address", "127.0.0.1", "--discovery-address", "192.168.1.255"));
  }
}
