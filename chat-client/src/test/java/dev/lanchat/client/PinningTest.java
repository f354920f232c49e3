package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.trust.KnownServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol §6 as the client applies it: every outcome of the pin check, and that an untrusted
 * server receives nothing after the ClientHello.
 */
class PinningTest {
  @TempDir
  Path home;

  private Path knownServers() {
    return home.resolve(".lanchat").resolve("known_servers");
  }

  private ClientRun start(FakeServer server, String... more) throws IOException {
    List<String> args = new java.util.ArrayList<>(List.of("--host", "127.0.0.1",
        "--port", String.valueOf(server.port()), "--name", "alice",
        "--known-servers", knownServers().toString(),
        "--identity", home.resolve("identity.pem").toString()));
    args.addAll(List.of(more));
    return ClientRun.start(args.toArray(String[]::new));
  }

  private void pin(FakeServer server, Identity identity) throws IOException {
    KnownServers.load(knownServers()).pin(server.hostPort(), identity.publicKey(), false);
  }

  /** Runs the shortest full session: join, end of input, PING/PONG, BYE. */
  private static void shortSession(FakeServer server, ClientRun client) throws Exception {
    try (FakeServer.Peer peer = server.accept()) {
      peer.welcome("");
      client.endInput();
      peer.answerGoodbye();
    }
    assertEquals(ExitCode.OK, client.exitCode(), client.err());
  }

  /** Accepts the connection and asserts the client sends no record after its ClientHello. */
  private static void expectNothingAfterClientHello(FakeServer server) throws IOException {
    try (FakeServer.Peer peer = server.accept()) {
      peer.expectEnd();
    }
  }

  @Test
  void unknownServerWithoutATerminalIsRefusedWithExitThreeAndSentNothing() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server);
      expectNothingAfterClientHello(server);
      assertEquals(ExitCode.UNTRUSTED, client.exitCode());
      assertTrue(client.err().contains(server.identity().fingerprint()), client.err());
      assertTrue(client.err().contains("--accept-new"), client.err());
      assertFalse(Files.exists(knownServers()), "nothing is pinned");
      assertEquals("", client.out());
    }
  }

  @Test
  void acceptNewPinsTheKeyInAnOwnerOnlyFileAndJoins() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server, "--accept-new");
      shortSession(server, client);
      assertEquals("rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(knownServers())));
      String text = Files.readString(knownServers());
      assertTrue(text.contains(server.hostPort() + " ed25519 "
          + Base64.getEncoder().encodeToString(server.identity().publicKey())), text);
      assertEquals(KnownServers.Outcome.MATCH, KnownServers.load(knownServers())
          .check(server.hostPort(), server.identity().publicKey()).outcome());
    }
  }

  @Test
  void aPinnedServerWithTheSameKeyJoinsWithoutAsking() throws Exception {
    try (FakeServer server = new FakeServer()) {
      pin(server, server.identity());
      byte[] before = Files.readAllBytes(knownServers());
      shortSession(server, start(server));
      assertArrayEquals(before, Files.readAllBytes(knownServers()));
    }
  }

  @Test
  void aChangedKeyOnTheSamePortIsRefusedLoudlyAndSentNothing() throws Exception {
    try (FakeServer server = new FakeServer()) {
      Identity old = server.identity();
      shortSession(server, start(server, "--accept-new"));
      byte[] before = Files.readAllBytes(knownServers());

      Identity impostor = FakeServer.newIdentity();
      server.useIdentity(impostor);
      ClientRun client = start(server, "--accept-new"); // --accept-new never covers a change
      expectNothingAfterClientHello(server);
      assertEquals(ExitCode.UNTRUSTED, client.exitCode());
      String err = client.err();
      assertTrue(err.contains("has CHANGED"), err);
      assertTrue(err.contains("pinned:  " + old.fingerprint()), err);
      assertTrue(err.contains("offered: " + impostor.fingerprint()), err);
      assertTrue(err.contains("remove line 2 of " + knownServers()), err);
      assertArrayEquals(before, Files.readAllBytes(knownServers()), "the pin stays as it was");
    }
  }

  @Test
  void aMatchingFingerprintWinsOverADifferentPin() throws Exception {
    try (FakeServer server = new FakeServer()) {
      pin(server, FakeServer.newIdentity());
      byte[] before = Files.readAllBytes(knownServers());
      ClientRun client = start(server, "--fingerprint", server.identity().fingerprint());
      shortSession(server, client);
      assertTrue(client.err().contains("line 2 of " + knownServers()), client.err());
      assertArrayEquals(before, Files.readAllBytes(knownServers()), "the old pin is left alone");
    }
  }

  @Test
  void aDifferentFingerprintWinsOverAMatchingPin() throws Exception {
    try (FakeServer server = new FakeServer()) {
      pin(server, server.identity());
      String expected = FakeServer.newIdentity().fingerprint();
      ClientRun client = start(server, "--fingerprint", expected);
      expectNothingAfterClientHello(server);
      assertEquals(ExitCode.UNTRUSTED, client.exitCode());
      assertTrue(client.err().contains(expected), client.err());
      assertTrue(client.err().contains(server.identity().fingerprint()), client.err());
    }
  }

  @Test
  void aMatchingFingerprintPinsAnUnknownServer() throws Exception {
    try (FakeServer server = new FakeServer()) {
      shortSession(server, start(server, "--fingerprint", server.identity().fingerprint()));
      assertEquals(KnownServers.Outcome.MATCH, KnownServers.load(knownServers())
          .check(server.hostPort(), server.identity().publicKey()).outcome());
    }
  }

  @Test
  void aMalformedFingerprintIsAUsageError() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server, "--fingerprint", "SHA256:short");
      assertEquals(ExitCode.USAGE, client.exitCode());
      assertTrue(client.err().contains("--fingerprint must look like SHA256:"), client.err());
    }
  }

  @Test
  void aCorruptKnownServersFileStopsTheClientAndIsLeftUnchanged() throws Exception {
    try (FakeServer server = new FakeServer()) {
      Files.createDirectories(knownServers().getParent());
      byte[] corrupt = "# pins\nthis is not a pin\n".getBytes(StandardCharsets.UTF_8);
      Files.write(knownServers(), corrupt);
      ClientRun client = start(server, "--accept-new");
      assertEquals(ExitCode.UNTRUSTED, client.exitCode());
      String err = client.err();
      assertTrue(err.contains("! cannot use the known-servers file: " + knownServers()), err);
      assertTrue(err.contains("line 2"), err);
      assertTrue(err.contains("never treated as empty"), err);
      assertArrayEquals(corrupt, Files.readAllBytes(knownServers()));
      assertFalse(server.connectionWaiting(), "a broken pin file stops the client before it connects");
    }
  }
}
