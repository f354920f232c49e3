package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientAuthOutcome;
import dev.lanchat.common.handshake.ClientAuthentication;
import dev.lanchat.common.handshake.HandshakeResult;
import dev.lanchat.common.handshake.ServerHandshake;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.DmStatus;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.trust.KnownServers;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny scripted LanChat server for client tests, on 127.0.0.1 and a free port: it runs the
 * real server handshake (chat-common {@link ServerHandshake}), then the test decides every
 * record it reads or writes, including records that break the protocol's text rules. The
 * identity can be swapped, so the "same server" can show up with another key. Every wait is
 * bounded by a socket timeout.
 */
final class FakeServer implements AutoCloseable {
  static final int TIMEOUT_MS = 15_000;
  /** 12:01 UTC, the time the scripted events carry. */
  static final long T1201 = Instant.parse("2026-11-25T12:01:00Z").toEpochMilli();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ServerSocket socket;
  private volatile Identity identity;

  FakeServer() throws IOException {
    this(Identity.generate(RANDOM));
  }

  FakeServer(Identity identity) throws IOException {
    this(identity, InetAddress.getLoopbackAddress());
  }

  /** A server on {@code bind} (a loopback address such as 127.0.0.3) and a free port. */
  FakeServer(Identity identity, InetAddress bind) throws IOException {
    if (!bind.isLoopbackAddress()) {
      throw new IllegalArgumentException("tests listen on loopback only, not " + bind);
    }
    this.identity = identity;
    this.socket = new ServerSocket();
    socket.bind(new InetSocketAddress(bind, 0));
    socket.setSoTimeout(TIMEOUT_MS);
  }

  static Identity newIdentity() {
    return Identity.generate(RANDOM);
  }

  int port() {
    return socket.getLocalPort();
  }

  String hostPort() {
    return KnownServers.hostPort(socket.getInetAddress().getHostAddress(), port());
  }

  Identity identity() {
    return identity;
  }

  /** From the next connection on, prove this identity instead. */
  void useIdentity(Identity next) {
    this.identity = next;
  }

  /** The room our client enters first. */
  static final String GENERAL = "#general";
  private static final AtomicLong EVENT_IDS = new AtomicLong();

  /**
   * An event envelope in {@code room} at {@code time}, sent by {@code sender}'s made-up key, with
   * a fresh id and a zero head (the client shows events; the chain check is not its job here).
   */
  static EventHeader header(String room, long time, String sender) {
    return new EventHeader(room, EVENT_IDS.incrementAndGet(), ByteString.copyOf(new byte[32]),
        time, member(sender).key());
  }

  /** A fresh event id (ids only grow, as a room's do). */
  static long nextEventId() {
    return EVENT_IDS.incrementAndGet();
  }

  /** An envelope in #general with the next event id, sent by the key {@code sender}. */
  static EventHeader event(long time, ByteString sender) {
    return new EventHeader(GENERAL, EVENT_IDS.incrementAndGet(),
        ByteString.copyOf(new byte[32]), time, sender);
  }

  /** MESSAGE in #general. */
  static ServerMessage.Chat chat(long time, String from, String text) {
    return new ServerMessage.Chat(header(GENERAL, time, from), from, text);
  }

  /** JOINED in #general. */
  static ServerMessage.Joined joined(long time, String name) {
    return new ServerMessage.Joined(header(GENERAL, time, name), member(name));
  }

  /** LEFT in #general. */
  static ServerMessage.Left left(long time, String name, String reason, String message) {
    return new ServerMessage.Left(header(GENERAL, time, name), name, reason, message);
  }

  /** A DM delivered live. */
  static ServerMessage.Dm dm(long time, String from, String to, String text) {
    return new ServerMessage.Dm(time, from, to, text, DmStatus.DELIVERED, "");
  }

  /** The whole roster of #general, nobody away. */
  static ServerMessage.Roster roster(String... names) {
    List<RosterEntry> entries = new java.util.ArrayList<>();
    for (String name : names) {
      entries.add(new RosterEntry(member(name)));
    }
    return new ServerMessage.Roster(GENERAL, false, entries);
  }

  /**
   * A member named {@code name} with the key of {@link #identityOf}: a real Ed25519 key, so a
   * test can also sign that member's end-to-end key.
   */
  static Member member(String name) {
    return new Member(name, identityOf(name).publicKey());
  }

  /** The identity made from {@code name} (its UTF-8 bytes as the seed, zero-padded). */
  static Identity identityOf(String name) {
    byte[] seed = new byte[Member.KEY_SIZE];
    byte[] raw = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(raw, 0, seed, 0, Math.min(raw.length, seed.length));
    return Identity.fromSeed(seed);
  }

  /** {@code name}'s end-to-end key ring, signed by {@link #identityOf} (one per call). */
  static dev.lanchat.common.e2e.KeyRing ringOf(String name) {
    return dev.lanchat.common.e2e.KeyRing.create(identityOf(name),
        dev.lanchat.common.e2e.RotationSchedule.DEFAULT, RANDOM, System.currentTimeMillis());
  }

  /** Accepts the next client and runs the server side of the handshake with it. */
  Peer accept() throws IOException {
    Socket s = socket.accept();
    s.setSoTimeout(TIMEOUT_MS);
    FrameReader reader = new FrameReader(s.getInputStream());
    FrameWriter writer = new FrameWriter(s.getOutputStream());
    HandshakeResult result = ServerHandshake.run(reader, writer, identity, RANDOM);
    return new Peer(s, new MessageChannel(result.channel(reader, writer)), result.th());
  }

  /**
   * True when a client has connected and is waiting to be accepted. Call it after the client
   * exited: a connection it made is in the backlog by then, so a short accept finds it.
   */
  boolean connectionWaiting() throws IOException {
    socket.setSoTimeout(200);
    try {
      socket.accept().close();
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } finally {
      socket.setSoTimeout(TIMEOUT_MS);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** One accepted, handshaken client connection. */
  static final class Peer implements AutoCloseable {
    private final Socket socket;
    private final MessageChannel channel;
    private final ByteString th;
    /** The key the client proved with CLIENT_AUTH, once its first record was read. */
    private ByteString clientKey;
    private volatile dev.lanchat.common.e2e.E2eKey published;
    private volatile boolean batchOk;

    Peer(Socket socket, MessageChannel channel, ByteString th) {
      this.socket = socket;
      this.channel = channel;
      this.th = th;
    }

    /**
     * The client's first record must be a valid CLIENT_AUTH for this session (protocol §2.5);
     * it is checked on the first read, so a client that never gets that far sends nothing.
     */
    private void authenticated() throws IOException {
      if (clientKey == null) {
        ClientAuthOutcome outcome = ClientAuthentication.read(channel, th);
        clientKey = assertInstanceOf(ClientAuthOutcome.Authenticated.class, outcome,
            "the client's first record").key();
      }
    }

    /** This session's transcript hash {@code th}. */
    ByteString th() {
      return th;
    }

    /** The key the client proved (after the first {@code receive}). */
    ByteString clientKey() {
      return clientKey;
    }

    /**
     * The next message from the client (fails after the socket timeout), past the SIGNED_HEADs
     * its chain watch sends now and then: a scripted conversation is not about them.
     */
    ClientMessage receive() throws IOException {
      authenticated();
      ClientMessage message = channel.receiveFromClient();
      for (int i = 0; i < 100 && (message instanceof ClientMessage.SignedHead
          || message instanceof ClientMessage.E2eKey
          || message instanceof ClientMessage.BatchOk); i++) {
        if (message instanceof ClientMessage.E2eKey key) {
          published = key.key();
        }
        if (message instanceof ClientMessage.BatchOk) {
          batchOk = true;
        }
        message = channel.receiveFromClient();
      }
      return message;
    }

    /** The next message from the client exactly as it came, skipping nothing. */
    ClientMessage nextAsItCame() throws IOException {
      authenticated();
      return channel.receiveFromClient();
    }

    /** Whether the client sent BATCH_OK (protocol §5.13; it does right after WELCOME). */
    boolean batchOk() {
      return batchOk;
    }

    /** The end-to-end key the client published last (it does after each WELCOME). */
    dev.lanchat.common.e2e.E2eKey published() {
      return published;
    }

    /**
     * The next message that is not a PING: the client sends a PING to confirm its lines when
     * nothing else waits, so between lines there may be one; each is answered with its PONG.
     */
    ClientMessage receiveLine() throws IOException {
      while (true) {
        ClientMessage next = receive();
        if (!(next instanceof ClientMessage.Ping ping)) {
          return next;
        }
        send(new ServerMessage.Pong(ping.token()));
      }
    }

    /** As {@link #expect}, skipping (and answering) PINGs as {@link #receiveLine} does. */
    <T extends ClientMessage> T expectLine(Class<T> type) throws IOException {
      return assertInstanceOf(type, receiveLine());
    }

    /** Asserts the next message and returns it. */
    <T extends ClientMessage> T expect(Class<T> type) throws IOException {
      return assertInstanceOf(type, receive());
    }

    void send(ServerMessage... messages) throws IOException {
      for (ServerMessage m : messages) {
        channel.send(m);
      }
    }

    /** Sends a record holding exactly {@code plaintext}, whatever the rules say. */
    void sendRaw(byte[] plaintext) throws IOException {
      channel.sendEncoded(List.of(plaintext));
    }

    /**
     * Reads the client's JOIN and welcomes it, then takes its ENTER of #general as a server
     * does: ENTERED, the ROSTER (the client and {@code others}) and the client's own JOINED.
     */
    String welcome(String motd, String... others) throws IOException {
      String name = expect(ClientMessage.Join.class).name();
      List<Member> members = new java.util.ArrayList<>();
      for (String other : others) {
        members.add(member(other));
      }
      enter(new ServerMessage.Welcome(name, "fake", motd, 0, 0, 20), members);
      return name;
    }

    /**
     * Sends {@code welcome} (the client's JOIN already read), then takes the client's ENTER of
     * #general: ENTERED, the ROSTER ({@code others}, then the client) and its own JOINED.
     */
    void enter(ServerMessage.Welcome welcome, List<Member> others) throws IOException {
      send(welcome);
      assertEquals(new ClientMessage.Enter(GENERAL, 0), receive());
      List<RosterEntry> users = new java.util.ArrayList<>();
      for (Member other : others) {
        users.add(new RosterEntry(other));
      }
      Member self = new Member(welcome.name(), clientKey);
      users.add(new RosterEntry(self));
      send(new ServerMessage.Entered(GENERAL, "", users.size(), 0, 0),
          new ServerMessage.Roster(GENERAL, false, users),
          new ServerMessage.Joined(new EventHeader(GENERAL, EVENT_IDS.incrementAndGet(),
              ByteString.copyOf(new byte[32]), T1201, clientKey), self));
    }

    /** The lines {@link #welcome} makes a piped client print after its first. */
    static List<String> welcomeLines(String name, String... others) {
      List<String> here = new java.util.ArrayList<>(List.of(others));
      here.add(name);
      return List.of("* #general: " + here.size() + (here.size() == 1 ? " member" : " members"),
          "* here: " + String.join(", ", here), "12:01 * you entered #general");
    }

    /** Asserts the next message is a SAY of {@code text} to #general. */
    void expectSay(String text) throws IOException {
      assertSay(text, receiveLine());
    }

    /** As {@link #expectSay}, with a message that was received already. */
    static void assertSay(String text, ClientMessage m) {
      ClientMessage.Say say = assertInstanceOf(ClientMessage.Say.class, m);
      assertEquals(GENERAL, say.room());
      assertEquals(text, say.text());
    }

    /** As {@link #expectSay}, with a message and a failure text. */
    void expectSay(String text, String what) throws IOException {
      ClientMessage.Say say = assertInstanceOf(ClientMessage.Say.class, receiveLine(), what);
      assertEquals(new ClientMessage.Say(say.id(), GENERAL, text), say, what);
    }

    /**
     * Asserts the next message asks for {@code to}'s end-to-end key, answers it with a key of
     * {@link #ringOf}, then asserts a SEALED_DM to {@code to} that opens to {@code text}.
     */
    void expectDm(String to, String text) throws IOException {
      expectLine(ClientMessage.E2eKeysGet.class, new ClientMessage.E2eKeysGet(to));
      dev.lanchat.common.e2e.KeyRing ring = ringOf(to);
      send(new ServerMessage.E2eKeys(to, false,
          List.of(new dev.lanchat.common.message.E2eKeyEntry(to, ring.current()))));
      ClientMessage.SealedDm dm = assertInstanceOf(ClientMessage.SealedDm.class, receiveLine());
      assertEquals(to, dm.to());
      dev.lanchat.common.e2e.DmOutcome.Opened opened = assertInstanceOf(
          dev.lanchat.common.e2e.DmOutcome.Opened.class,
          new dev.lanchat.common.e2e.DmSealer(ring, RANDOM).open(clientKey, dm.sealed()));
      assertEquals(text, new String(opened.content(), StandardCharsets.UTF_8));
    }

    /** Asserts the next line-message equals {@code expected}. */
    void expectLine(Class<? extends ClientMessage> type, ClientMessage expected)
        throws IOException {
      assertEquals(expected, assertInstanceOf(type, receiveLine()));
    }

    /**
     * Answers the client's closing PING and asserts the BYE and the close that follow. PINGs
     * that confirm what was sent (one after a line when nothing else waits) may come first;
     * each is answered, as a server does.
     */
    void answerGoodbye() throws IOException {
      ClientMessage.Ping ping = expect(ClientMessage.Ping.class);
      ClientMessage next;
      while (true) {
        send(new ServerMessage.Pong(ping.token()));
        next = receive();
        if (!(next instanceof ClientMessage.Ping more)) {
          break;
        }
        ping = more;
      }
      assertEquals(new ClientMessage.Bye(), next);
      expectEnd();
    }

    /** Asserts the client closed the connection without sending another record. */
    void expectEnd() {
      assertThrows(EOFException.class, channel::receivePlaintext,
          "the client must send nothing more and close");
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Builds message plaintexts by hand, byte by byte as protocol §4 lays them out. */
  static final class Raw {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Raw type(int type) {
      Raw raw = new Raw();
      raw.out.write(type);
      return raw;
    }

    Raw u16(int v) {
      out.write(v >>> 8);
      out.write(v);
      return this;
    }

    Raw u8(int v) {
      out.write(v);
      return this;
    }

    /**
     * An event envelope: {@code room}, a fresh id, a zero head, 12:01, and the key made from
     * {@code sender} (see {@link FakeServer#member}).
     */
    Raw event(String room, String sender) {
      str(room).u64(EVENT_IDS.incrementAndGet()).key(new byte[32]).u64(T1201);
      return key(FakeServer.member(sender).key().toByteArray());
    }

    Raw u64(long v) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (v >>> shift));
      }
      return this;
    }

    Raw str(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      u16(utf8.length);
      out.writeBytes(utf8);
      return this;
    }

    Raw u32(long v) {
      for (int shift = 24; shift >= 0; shift -= 8) {
        out.write((int) (v >>> shift));
      }
      return this;
    }

    /** A {@code member}: the name, then a key made from it (see {@link FakeServer#member}). */
    Raw member(String name) {
      return str(name).key(FakeServer.member(name).key().toByteArray());
    }

    /** A {@code list<member>} of these names. */
    Raw members(String... names) {
      u16(names.length);
      for (String name : names) {
        member(name);
      }
      return this;
    }

    private Raw key(byte[] key) {
      out.writeBytes(key);
      return this;
    }

    byte[] bytes() throws IOException {
      byte[] b = out.toByteArray();
      MessageCodec.decode(b); // a raw record still has to parse, or the client rightly drops it
      return b;
    }
  }
}
