package dev.lanchat.common.fuzz;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.crypto.X25519;
import dev.lanchat.common.discovery.DiscoveryReply;
import dev.lanchat.common.discovery.DiscoveryRequest;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.ClientHello;
import dev.lanchat.common.handshake.ServerHandshake;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.Message;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * One complete session with fixed keys on both sides, so that its bytes are the same on every
 * run: what the client sends (the server-role target's input) and what the server sends (the
 * client-role target's input), plus the messages inside.
 */
final class Transcripts {
  static final Identity SERVER = Identity.fromSeed(fill(0x11));
  static final Identity CLIENT = Identity.fromSeed(fill(0x66));
  static final byte[] SALT = fill(0x22);
  static final byte[] NONCE = fill(0x33);

  static final List<ClientMessage> FROM_CLIENT = List.of(
      new ClientMessage.Join("alice"), new ClientMessage.Enter("#general", 0),
      new ClientMessage.Say(1, "#general", "hello everyone"),
      new ClientMessage.Dm(2, "bob", "psst \u00e9\u4e16"), new ClientMessage.Who("#general"),
      new ClientMessage.Ping(0x0102030405060708L), new ClientMessage.Bye("see you"));
  static final List<ServerMessage> FROM_SERVER = List.of(
      new ServerMessage.Welcome("alice", "lab", "be nice", 10_000, 20, 20),
      new ServerMessage.Entered("#general", "", 2, 0, 0),
      new ServerMessage.Roster("#general", false, List.of(
          new RosterEntry(new Member("bob", fill(0x77))),
          new RosterEntry(new Member("alice", fill(0x66))))),
      new ServerMessage.Joined(event(1, 1_700_000_000_000L, 0x88), new Member("carol", fill(0x88))),
      new ServerMessage.Chat(event(2, 1_700_000_000_001L, 0x77), "bob", "hi alice"),
      new ServerMessage.Dm(1_700_000_000_002L, "bob", "alice", "secret"),
      new ServerMessage.Roster("#general", false, List.of(
          new RosterEntry(new Member("alice", fill(0x66))),
          new RosterEntry(new Member("bob", fill(0x77)), "lunch"),
          new RosterEntry(new Member("carol", fill(0x88))))),
      new ServerMessage.Pong(0x0102030405060708L),
      new ServerMessage.Left(event(3, 1_700_000_000_003L, 0x88), "carol", "", "bye all"),
      new ServerMessage.Error(3, "name taken"), new ServerMessage.Bye("server stopping"));

  /** An envelope in #general; the head is a stand-in, the fuzz targets do not chain. */
  private static EventHeader event(long id, long time, int sender) {
    return new EventHeader("#general", id, ByteString.copyOf(fill(0x99)), time,
        ByteString.copyOf(fill(sender)));
  }

  private static final Transcripts ONE = build();

  final byte[] clientToServer;
  final byte[] serverToClient;

  private Transcripts(byte[] clientToServer, byte[] serverToClient) {
    this.clientToServer = clientToServer;
    this.serverToClient = serverToClient;
  }

  static Transcripts session() {
    return ONE;
  }

  /** A fresh copy of the server's fixed ephemeral key (each handshake wipes its own). */
  static X25519.KeyPair serverEphemeral() {
    return X25519.fromPrivate(fill(0x44));
  }

  static X25519.KeyPair clientEphemeral() {
    return X25519.fromPrivate(fill(0x55));
  }

  static byte[] discoveryRequest() {
    return new DiscoveryRequest(NONCE).encode();
  }

  static byte[] discoveryReply() {
    return DiscoveryReply.sign(SERVER, NONCE, 7878, "lab \u00e9").encode();
  }

  static List<byte[]> encoded(List<? extends Message> messages) {
    return messages.stream().map(MessageCodec::encode).toList();
  }

  /**
   * Runs both roles one after the other: the client's hello does not depend on anything the
   * server sends, so no threads are needed.
   */
  private static Transcripts build() {
    try {
      ByteArrayOutputStream hello = new ByteArrayOutputStream();
      new FrameWriter(hello).writeFrame(new ClientHello(clientEphemeral().publicKey()).encode());
      ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
      FrameReader serverReader = new FrameReader(new ByteArrayInputStream(hello.toByteArray()));
      FrameWriter serverWriter = new FrameWriter(fromServer);
      MessageChannel server = new MessageChannel(ServerHandshake.run(serverReader, serverWriter,
          SERVER, serverEphemeral(), SALT).channel(serverReader, serverWriter));
      for (ServerMessage m : FROM_SERVER) {
        server.send(m);
      }
      ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
      FrameReader clientReader = new FrameReader(new ByteArrayInputStream(fromServer.toByteArray()));
      FrameWriter clientWriter = new FrameWriter(fromClient);
      MessageChannel client = new MessageChannel(ClientHandshake.run(clientReader, clientWriter,
          CLIENT, clientEphemeral(), key -> { }).channel(clientReader, clientWriter));
      for (ClientMessage m : FROM_CLIENT) {
        client.send(m);
      }
      return new Transcripts(fromClient.toByteArray(), fromServer.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("the fixed-key session must complete", e);
    }
  }

  private static byte[] fill(int value) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
