package dev.lanchat.client;

import static dev.lanchat.client.FakeServer.T1201;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.e2e.DmContent;
import dev.lanchat.common.e2e.DmOutcome;
import dev.lanchat.common.e2e.DmSealer;
import dev.lanchat.common.e2e.E2eKey;
import dev.lanchat.common.e2e.E2eRoom;
import dev.lanchat.common.e2e.KeyRing;
import dev.lanchat.common.e2e.RoomMessage;
import dev.lanchat.common.e2e.RoomOutcome;
import dev.lanchat.common.e2e.SealedDm;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.DmStatus;
import dev.lanchat.common.message.E2eKeyEntry;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a dishonest server (issue 17, "Must show"): the test plays the server and
 * the other members, whose end-to-end state is real ({@link E2eRoom}, {@link DmSealer}), and
 * the server substitutes keys, replays, reorders and drops sealed messages, and keeps sending
 * to a member who left. The client refuses, warns naming the member, and seals nothing to a
 * key it refused.
 */
class DishonestServerE2eTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String OPS = "#ops";

  @TempDir
  Path home;

  /** Another member, played by the test with real end-to-end state. */
  private static final class Other {
    final String name;
    final Identity identity;
    final KeyRing ring;
    final DmSealer sealer;
    final E2eRoom room;

    Other(String name) {
      this.name = name;
      this.identity = FakeServer.identityOf(name);
      this.ring = FakeServer.ringOf(name);
      this.sealer = new DmSealer(ring, RANDOM);
      this.room = new E2eRoom(OPS, identity, sealer, RANDOM);
    }

    ByteString id() {
      return ByteString.copyOf(identity.publicKey());
    }

    E2eKeyEntry entry() {
      return new E2eKeyEntry(name, ring.current());
    }

    ServerMessage.SealedDm dmTo(String to, SealedDm sealed) {
      return new ServerMessage.SealedDm(T1201, name, id(), to, sealed, DmStatus.DELIVERED, "");
    }

    ServerMessage.E2eMessage say(RoomMessage message) {
      return new ServerMessage.E2eMessage(new EventHeader(OPS, FakeServer.nextEventId(),
          ByteString.copyOf(new byte[32]), T1201, id()), name, message);
    }

    RoomMessage seal(String text) {
      return room.seal(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private ClientRun start(FakeServer server) throws IOException {
    return ClientRun.start("--host", "127.0.0.1", "--port", String.valueOf(server.port()),
        "--accept-new", "--known-servers", home.resolve("known_servers").toString(),
        "--identity", home.resolve("identity.pem").toString(), "--name", "alice");
  }

  @Test
  void aSubstitutedDmKeyIsRefusedNamingTheMemberAndNothingIsSealedToIt() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server);
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("", "bob"); // bob's identity is pinned from the roster
        client.type("/msg bob psst").type("after");
        peer.expectLine(ClientMessage.E2eKeysGet.class, new ClientMessage.E2eKeysGet("bob"));
        KeyRing mallory = FakeServer.ringOf("mallory");
        peer.send(new ServerMessage.E2eKeys("bob", false,
            List.of(new E2eKeyEntry("bob", mallory.current()))));
        peer.expectSay("after"); // no SEALED_DM came before it
        client.awaitErr("! WARNING: the server handed out an end-to-end key for bob that is"
            + " not bob's");
        client.endInput();
        peer.answerGoodbye();
      }
      assertTrue(client.err().contains("DM not sent: bob has no end-to-end key this client"
          + " accepts"), client.err());
    }
  }

  @Test
  void aDmKeyWithABrokenSignatureIsRefusedNamingTheMember() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server);
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("", "bob");
        client.type("/msg bob psst").type("after");
        peer.expectLine(ClientMessage.E2eKeysGet.class, new ClientMessage.E2eKeysGet("bob"));
        E2eKey real = FakeServer.ringOf("bob").current();
        byte[] sig = real.signature().toByteArray();
        sig[0] ^= 1;
        E2eKey changed = new E2eKey(real.owner(), real.key(), real.notAfter(), real.serial(),
            ByteString.copyOf(sig));
        peer.send(new ServerMessage.E2eKeys("bob", false,
            List.of(new E2eKeyEntry("bob", changed))));
        peer.expectSay("after");
        client.awaitErr("! WARNING: the end-to-end key the server handed out for bob does not"
            + " carry bob's signature");
        client.endInput();
        peer.answerGoodbye();
      }
    }
  }

  @Test
  void aReplayedAndADroppedSealedDmAreSaidNamingTheSender() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server);
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("", "bob");
        Other bob = new Other("bob");
        E2eKey alice = peer.published();
        SealedDm one = bob.sealer.seal(alice, DmContent.TEXT, utf8("one"));
        bob.sealer.seal(alice, DmContent.TEXT, utf8("two")); // the server drops it
        SealedDm three = bob.sealer.seal(alice, DmContent.TEXT, utf8("three"));
        peer.send(bob.dmTo("alice", one), bob.dmTo("alice", one), bob.dmTo("alice", three));
        client.awaitOut("[bob -> alice] three");
        client.endInput();
        peer.answerGoodbye();
      }
      assertTrue(client.outLines().contains("12:01 [bob -> alice] one"), client.out());
      assertEquals(1, client.outLines().stream().filter(l -> l.endsWith("] one")).count(),
          client.out());
      assertTrue(client.err().contains("! WARNING: a DM from bob was refused: it repeats or"
          + " comes out of order (the server replayed or reordered it)"), client.err());
      assertTrue(client.err().contains("! WARNING: 1 DM from bob went missing before the next"
          + " one"), client.err());
    }
  }

  @Test
  void inAnEndToEndRoomReplaysAndDropsAreSaidAndALeaverReadsNothingAfter() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server);
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("", "bob", "carol");
        Other bob = new Other("bob");
        Other carol = new Other("carol");
        client.type("/join #ops --e2e");
        assertEquals(new ClientMessage.Enter(OPS, 0, true), peer.receiveLine());
        E2eKey aliceKey = peer.published();
        ByteString aliceId = aliceKey.owner();
        enterOps(peer, aliceId, bob, carol);
        // the client asks for the members' keys and hands its chain to bob and carol
        peer.expectLine(ClientMessage.E2eKeysGet.class, new ClientMessage.E2eKeysGet(OPS));
        peer.send(new ServerMessage.E2eKeys(OPS, false, List.of(bob.entry(), carol.entry(),
            new E2eKeyEntry("alice", aliceKey))));
        List<E2eRoom.Member> withAlice = List.of(new E2eRoom.Member(aliceId, aliceKey));
        SealedDm bobsKey = bob.room.setMembers(withAlice, System.currentTimeMillis())
            .deliveries().getFirst().dm();
        carol.room.setMembers(withAlice, System.currentTimeMillis());
        installFrom(peer, aliceId, bob, carol);
        // bob's chain reaches alice; then the server replays one message and drops another
        RoomMessage one = bob.seal("one");
        bob.seal("two");
        RoomMessage three = bob.seal("three");
        peer.send(bob.dmTo("alice", bobsKey), bob.say(one), bob.say(one), bob.say(three));
        client.awaitOut("<bob> three");
        // carol leaves: alice's next line goes under a new chain that carol never gets
        peer.send(new ServerMessage.Left(new EventHeader(OPS, FakeServer.nextEventId(),
            ByteString.copyOf(new byte[32]), T1201, carol.id()), "carol", "parted", ""));
        client.awaitOut("carol parted"); // the client saw her leave before the line is typed
        client.type("secret after carol left");
        peer.expectLine(ClientMessage.E2eKeysGet.class, new ClientMessage.E2eKeysGet(OPS));
        peer.send(new ServerMessage.E2eKeys(OPS, false, List.of(bob.entry(),
            new E2eKeyEntry("alice", aliceKey))));
        ClientMessage.SealedDm rotated = assertInstanceOf(ClientMessage.SealedDm.class,
            peer.receiveLine());
        assertEquals("bob", rotated.to(), "the new chain goes to bob only");
        ClientMessage.E2eSay secret = assertInstanceOf(ClientMessage.E2eSay.class,
            peer.receiveLine());
        // bob reads it with the new chain; carol, holding every key she was given, cannot
        bob.room.install(assertInstanceOf(DmOutcome.Opened.class,
            bob.sealer.open(aliceId, rotated.sealed())));
        RoomOutcome.Read read = assertInstanceOf(RoomOutcome.Read.class,
            bob.room.open(aliceId, secret.message()));
        assertEquals("secret after carol left", new String(read.text(), StandardCharsets.UTF_8));
        assertInstanceOf(RoomOutcome.Refused.class, carol.room.open(aliceId, secret.message()));
        client.endInput();
        peer.answerGoodbye();
      }
      assertTrue(client.outLines().contains("* #ops is end-to-end: the server cannot read it."
          + " You read from now on."), client.out());
      assertEquals(1, client.outLines().stream().filter(l -> l.endsWith("<bob> one")).count(),
          client.out());
      assertTrue(client.err().contains("! WARNING: a message from bob in #ops was refused: it"
          + " repeats or comes out of order (the server replayed or reordered it)"),
          client.err());
      assertTrue(client.err().contains("! WARNING: 1 message from bob in #ops went missing"
          + " before the next one"), client.err());
    }
  }

  /** ENTERED (end-to-end), the roster and alice's own JOINED. */
  private static void enterOps(FakeServer.Peer peer, ByteString aliceId, Other... others)
      throws IOException {
    List<RosterEntry> roster = new ArrayList<>();
    for (Other o : others) {
      roster.add(new RosterEntry(FakeServer.member(o.name)));
    }
    Member alice = new Member("alice", aliceId);
    roster.add(new RosterEntry(alice));
    peer.send(new ServerMessage.Entered(OPS, "", roster.size(), 0, 0, true),
        new ServerMessage.Roster(OPS, false, roster),
        new ServerMessage.Joined(new EventHeader(OPS, FakeServer.nextEventId(),
            ByteString.copyOf(new byte[32]), T1201, aliceId), alice));
  }

  /** Reads alice's sender keys (one per other member) and installs each where it is sealed. */
  private static void installFrom(FakeServer.Peer peer, ByteString aliceId, Other... others)
      throws IOException {
    for (int i = 0; i < others.length; i++) {
      ClientMessage.SealedDm dm = assertInstanceOf(ClientMessage.SealedDm.class,
          peer.receiveLine());
      Other to = List.of(others).stream().filter(o -> o.name.equals(dm.to())).findFirst()
          .orElseThrow();
      to.room.install(assertInstanceOf(DmOutcome.Opened.class,
          to.sealer.open(aliceId, dm.sealed())));
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
