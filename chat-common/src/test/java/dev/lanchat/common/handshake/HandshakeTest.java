package dev.lanchat.common.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.channel.SecureChannel;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.crypto.X25519;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.frame.Frames;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.ServerMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The handshake of protocol §2. Two tests run the roles on two threads over piped streams (one
 * of them with a relay in the middle that changes a byte). The others stage the roles one after
 * the other over in-memory bytes, which works because with fixed ephemeral keys every
 * ClientHello is known in advance; that makes each tampering case deterministic.
 */
class HandshakeTest {
  private static final byte[] SERVER_EPHEMERAL = filled(0x01);
  private static final byte[] CLIENT_EPHEMERAL = filled(0x02);
  private static final byte[] SALT = filled(0x03);
  private static final Identity IDENTITY = Identity.fromSeed(filled(0x04));
  private static final Identity CLIENT_IDENTITY = Identity.fromSeed(filled(0x06));
  /** Frame header (4) + CLIENT_AUTH record (type 1 + key 32 + sig 64 + tag 16). */
  private static final int CLIENT_AUTH_FRAME = 4 + 1 + 32 + 64 + 16;
  /** Frame header (4) + ClientHello (40): all a client may send before SERVER_AUTH verifies. */
  private static final int CLIENT_HELLO_FRAME = 44;

  private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool();

  @AfterAll
  static void stopExecutor() {
    EXECUTOR.shutdownNow();
  }

  private static byte[] filled(int value) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) value);
    return out;
  }

  private static byte[] frame(byte[] payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new FrameWriter(out).writeFrame(payload);
    return out.toByteArray();
  }

  private static FrameReader reading(byte[] wire) {
    return new FrameReader(new ByteArrayInputStream(wire));
  }

  private static byte[] clientHelloWire() throws IOException {
    return frame(new ClientHello(X25519.fromPrivate(CLIENT_EPHEMERAL).publicKey()).encode());
  }

  /** The server's whole output (ServerHello frame, SERVER_AUTH frame) for {@code clientWire}. */
  private static byte[] serverWire(byte[] clientWire) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ServerHandshake.run(reading(clientWire), new FrameWriter(out), IDENTITY,
        X25519.fromPrivate(SERVER_EPHEMERAL), SALT);
    return out.toByteArray();
  }

  private static HandshakeResult runClient(byte[] serverWire, ByteArrayOutputStream clientOut)
      throws IOException {
    return ClientHandshake.run(reading(serverWire), new FrameWriter(clientOut), CLIENT_IDENTITY,
        X25519.fromPrivate(CLIENT_EPHEMERAL), ServerKeyVerifier.TRUST_ANY);
  }

  @Test
  void bothRolesCompleteAHandshakeOverPipedStreamsAndExchangeMessages() throws Exception {
    PipedInputStream serverIn = new PipedInputStream(1 << 17);
    PipedOutputStream clientOut = new PipedOutputStream(serverIn);
    PipedInputStream clientIn = new PipedInputStream(1 << 17);
    PipedOutputStream serverOut = new PipedOutputStream(clientIn);
    SecureRandom random = new SecureRandom();
    Identity identity = Identity.generate(random);

    CompletableFuture<MessageChannel> server = CompletableFuture.supplyAsync(() -> {
      try {
        return serverChannel(serverIn, serverOut, identity, random);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }, EXECUTOR);
    byte[][] seen = new byte[1][];
    FrameReader clientReader = new FrameReader(clientIn);
    FrameWriter clientWriter = new FrameWriter(clientOut);
    Identity clientIdentity = Identity.generate(random);
    HandshakeResult result = ClientHandshake.run(clientReader, clientWriter, clientIdentity,
        random, serverIdentity -> seen[0] = serverIdentity);
    MessageChannel client = new MessageChannel(result.channel(clientReader, clientWriter));
    MessageChannel s = server.get(10, TimeUnit.SECONDS);

    assertArrayEquals(identity.publicKey(), seen[0], "the verifier is asked about Si");
    assertArrayEquals(identity.publicKey(), result.peerKey().orElseThrow().toByteArray());
    client.send(new ClientMessage.Join("alice"));
    // the client's record 0 is CLIENT_AUTH, proving its key for this session's th
    assertEquals(new ClientAuthOutcome.Authenticated(
            dev.lanchat.common.bytes.ByteString.copyOf(clientIdentity.publicKey())),
        ClientAuthentication.read(s, result.th()));
    assertEquals(new ClientMessage.Join("alice"), s.receiveFromClient());
    ServerMessage.Welcome welcome = new ServerMessage.Welcome("alice", "lab", "hello", 10_000,
        20, 20);
    s.send(welcome);
    assertEquals(welcome, client.receiveFromServer());
    for (int i = 0; i < 50; i++) {
      client.send(new ClientMessage.Ping(i));
      assertEquals(new ClientMessage.Ping(i), s.receiveFromClient());
      s.send(new ServerMessage.Pong(i));
      assertEquals(new ServerMessage.Pong(i), client.receiveFromServer());
    }
  }

  /** The server role over piped streams, ending in a message channel. */
  private static MessageChannel serverChannel(PipedInputStream in, PipedOutputStream out,
      Identity identity, SecureRandom random) throws IOException {
    FrameReader reader = new FrameReader(in);
    FrameWriter writer = new FrameWriter(out);
    return new MessageChannel(
        ServerHandshake.run(reader, writer, identity, random).channel(reader, writer));
  }

  @Test
  void bothRolesEndWithTheSameTranscriptHashAndOnlyTheClientLearnsAPeerKey() throws Exception {
    ByteArrayOutputStream serverOut = new ByteArrayOutputStream();
    HandshakeResult server = ServerHandshake.run(reading(clientHelloWire()),
        new FrameWriter(serverOut), IDENTITY, X25519.fromPrivate(SERVER_EPHEMERAL), SALT);
    HandshakeResult client = runClient(serverOut.toByteArray(), new ByteArrayOutputStream());
    assertEquals(32, client.th().size());
    assertEquals(server.th(), client.th());
    assertEquals(java.util.Optional.empty(), server.peerKey());
    assertEquals(dev.lanchat.common.bytes.ByteString.copyOf(IDENTITY.publicKey()),
        client.peerKey().orElseThrow());
    // SERVER_AUTH was record 0 of the server's direction and CLIENT_AUTH record 0 of the
    // client's: the client's sender stands at 1, the server's receiver still at 0 (it has not
    // read CLIENT_AUTH yet)
    assertEquals(1, server.send().seq());
    assertEquals(1, client.receive().seq());
    assertEquals(1, client.send().seq());
    assertEquals(0, server.receive().seq());
  }

  @Test
  void stagedRolesWithFixedKeysAgreeAndTheClientSendsItsPredictedHello() throws Exception {
    byte[] serverWire = serverWire(clientHelloWire());
    ByteArrayOutputStream clientOut = new ByteArrayOutputStream();
    HandshakeResult client = runClient(serverWire, clientOut);
    byte[] sent = clientOut.toByteArray();
    assertArrayEquals(clientHelloWire(), Arrays.copyOf(sent, CLIENT_HELLO_FRAME));
    assertEquals(CLIENT_HELLO_FRAME + CLIENT_AUTH_FRAME, sent.length,
        "after ClientHello the client sends exactly one record, CLIENT_AUTH");
    assertArrayEquals(IDENTITY.publicKey(), client.peerKey().orElseThrow().toByteArray());
    assertEquals(4 + ServerHello.SIZE, serverWire.length - (4 + 1 + 64 + 16),
        "the server sends ServerHello, then SERVER_AUTH (1 + 64 bytes + 16-byte tag)");
  }

  @Test
  void changedByteOfServerHelloMakesServerAuthFail() throws Exception {
    byte[] honest = serverWire(clientHelloWire());
    // Se (8..39), salt (40..71) and Si (72..103); sizes stay the same
    for (int offset = 8; offset < ServerHello.SIZE; offset++) {
      for (int mask : new int[] {0x01, 0x80}) {
        byte[] tampered = honest.clone();
        tampered[4 + offset] ^= (byte) mask;
        ByteArrayOutputStream clientOut = new ByteArrayOutputStream();
        ProtocolException e = assertThrows(ProtocolException.class,
            () -> runClient(tampered, clientOut), "offset " + offset + " mask " + mask);
        // a changed Se can in principle land on a low-order point; with these keys it never does
        assertEquals(Reason.BAD_SERVER_AUTH, e.reason(), "offset " + offset + " mask " + mask);
        assertEquals(CLIENT_HELLO_FRAME, clientOut.size(), "nothing encrypted was sent");
      }
    }
  }

  @Test
  void changedByteOfClientHelloMakesServerAuthFail() throws Exception {
    byte[] honestHello = clientHelloWire();
    for (int offset = 8; offset < ClientHello.SIZE; offset++) {
      // 0x80 on the last byte of Ce is bit 255, which X25519 masks: the shared secret stays the
      // same and only the transcript hash th tells the two sides apart
      for (int mask : new int[] {0x01, 0x80}) {
        byte[] tamperedHello = honestHello.clone();
        tamperedHello[4 + offset] ^= (byte) mask;
        byte[] serverWire = serverWire(tamperedHello);
        ProtocolException e = assertThrows(ProtocolException.class,
            () -> runClient(serverWire, new ByteArrayOutputStream()),
            "offset " + offset + " mask " + mask);
        assertEquals(Reason.BAD_SERVER_AUTH, e.reason(), "offset " + offset + " mask " + mask);
      }
    }
  }

  /**
   * Forwards frames from {@code in} to {@code out}, letting {@code alter} change the n-th frame
   * in place (the size stays the same), until the stream ends; then closes {@code out}.
   */
  private static CompletableFuture<Void> relay(java.io.InputStream in, PipedOutputStream out,
      int frameToAlter, int offset) {
    return CompletableFuture.runAsync(() -> {
      FrameReader reader = new FrameReader(in);
      FrameWriter writer = new FrameWriter(out);
      try (out) {
        for (int n = 0; n < 100; n++) {
          byte[] payload = reader.readFrame();
          if (n == frameToAlter) {
            payload[offset] ^= 0x01;
          }
          writer.writeFrame(payload);
        }
      } catch (IOException ended) {
        // one side closed or failed: the relay stops too
      }
    }, EXECUTOR);
  }

  @Test
  void manInTheMiddleRelayChangingOneByteOfTheSaltIsCaughtOverPipedStreams() throws Exception {
    PipedInputStream relayFromClient = new PipedInputStream(1 << 16);
    PipedOutputStream clientOut = new PipedOutputStream(relayFromClient);
    PipedInputStream serverIn = new PipedInputStream(1 << 16);
    PipedOutputStream relayToServer = new PipedOutputStream(serverIn);
    PipedInputStream relayFromServer = new PipedInputStream(1 << 16);
    PipedOutputStream serverOut = new PipedOutputStream(relayFromServer);
    PipedInputStream clientIn = new PipedInputStream(1 << 16);
    PipedOutputStream relayToClient = new PipedOutputStream(clientIn);
    SecureRandom random = new SecureRandom();

    CompletableFuture<HandshakeResult> server = CompletableFuture.supplyAsync(() -> {
      try {
        return ServerHandshake.run(new FrameReader(serverIn), new FrameWriter(serverOut), IDENTITY,
            random);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }, EXECUTOR);
    CompletableFuture<Void> up = relay(relayFromClient, relayToServer, -1, 0);
    // frame 0 from the server is ServerHello; byte 40 is the first byte of the salt
    CompletableFuture<Void> down = relay(relayFromServer, relayToClient, 0, 40);
    try {
      ProtocolException e = assertThrows(ProtocolException.class,
          () -> ClientHandshake.run(new FrameReader(clientIn), new FrameWriter(clientOut),
              CLIENT_IDENTITY, random, ServerKeyVerifier.TRUST_ANY));
      assertEquals(Reason.BAD_SERVER_AUTH, e.reason());
      // the server cannot tell: its half of the handshake completed with other keys
      server.get(10, TimeUnit.SECONDS);
    } finally {
      for (java.io.Closeable c : new java.io.Closeable[] {clientOut, clientIn, serverIn, serverOut,
          relayFromClient, relayFromServer}) {
        c.close();
      }
      up.get(10, TimeUnit.SECONDS);
      down.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void serverEphemeralKeyOfLowOrderIsRefusedByTheClient() throws Exception {
    byte[] honest = serverWire(clientHelloWire());
    byte[][] lowOrder = {new byte[32], littleEndianOne()};
    for (byte[] point : lowOrder) {
      byte[] tampered = honest.clone();
      System.arraycopy(point, 0, tampered, 4 + 8, 32);
      ByteArrayOutputStream clientOut = new ByteArrayOutputStream();
      ProtocolException e = assertThrows(ProtocolException.class,
          () -> runClient(tampered, clientOut));
      assertEquals(Reason.LOW_ORDER_KEY, e.reason());
    }
  }

  @Test
  void clientEphemeralKeyOfLowOrderIsRefusedByTheServer() throws Exception {
    for (byte[] point : new byte[][] {new byte[32], littleEndianOne()}) {
      byte[] hello = frame(new ClientHello(point).encode());
      ByteArrayOutputStream serverOut = new ByteArrayOutputStream();
      ProtocolException e = assertThrows(ProtocolException.class,
          () -> ServerHandshake.run(reading(hello), new FrameWriter(serverOut), IDENTITY,
              X25519.fromPrivate(SERVER_EPHEMERAL), SALT));
      assertEquals(Reason.LOW_ORDER_KEY, e.reason());
      assertEquals(4 + ServerHello.SIZE, serverOut.size(), "no SERVER_AUTH was sent");
    }
  }

  private static byte[] littleEndianOne() {
    byte[] u = new byte[32];
    u[0] = 1; // u = 1 is a point of order 4
    return u;
  }

  @Test
  void firstRecordThatIsNotServerAuthFails() throws Exception {
    byte[] serverHello = new ServerHello(X25519.fromPrivate(SERVER_EPHEMERAL).publicKey(), SALT,
        IDENTITY.publicKey()).encode();
    byte[] clientHello = new ClientHello(X25519.fromPrivate(CLIENT_EPHEMERAL).publicKey()).encode();
    byte[] shared = X25519.agree(SERVER_EPHEMERAL, X25519.fromPrivate(CLIENT_EPHEMERAL).publicKey());
    KeySchedule keys = KeySchedule.derive(shared, SALT, serverHello, clientHello);
    // a server that skips SERVER_AUTH and sends PONG as record 0
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(frame(serverHello));
    new MessageChannel(new SecureChannel(reading(new byte[0]), new FrameWriter(out),
        dev.lanchat.common.crypto.CipherState.of(keys.kS2c()),
        dev.lanchat.common.crypto.CipherState.of(keys.kC2s())))
        .send(new ServerMessage.Pong(0));
    ByteArrayOutputStream clientOut = new ByteArrayOutputStream();
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> runClient(out.toByteArray(), clientOut));
    assertEquals(Reason.BAD_SERVER_AUTH, e.reason());
    assertEquals(CLIENT_HELLO_FRAME, clientOut.size());
  }

  @Test
  void serverAuthSignedByAnotherKeyFails() throws Exception {
    byte[] serverHello = new ServerHello(X25519.fromPrivate(SERVER_EPHEMERAL).publicKey(), SALT,
        IDENTITY.publicKey()).encode();
    byte[] clientHello = new ClientHello(X25519.fromPrivate(CLIENT_EPHEMERAL).publicKey()).encode();
    byte[] shared = X25519.agree(SERVER_EPHEMERAL, X25519.fromPrivate(CLIENT_EPHEMERAL).publicKey());
    KeySchedule keys = KeySchedule.derive(shared, SALT, serverHello, clientHello);
    Identity impostor = Identity.fromSeed(filled(0x66));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(frame(serverHello));
    new MessageChannel(new SecureChannel(reading(new byte[0]), new FrameWriter(out),
        dev.lanchat.common.crypto.CipherState.of(keys.kS2c()),
        dev.lanchat.common.crypto.CipherState.of(keys.kC2s())))
        .send(new ServerMessage.ServerAuth(impostor.sign(KeySchedule.serverAuthMessage(keys.th()))));
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> runClient(out.toByteArray(), new ByteArrayOutputStream()));
    assertEquals(Reason.BAD_SERVER_AUTH, e.reason());
  }

  @Test
  void clientThatDecidesTrustLaterSendsClientAuthOnlyWhenAskedTo() throws Exception {
    byte[] serverWire = serverWire(clientHelloWire());
    ByteArrayOutputStream clientOut = new ByteArrayOutputStream();
    FrameWriter writer = new FrameWriter(clientOut);
    HandshakeResult result = ClientHandshake.verifyServer(reading(serverWire), writer,
        X25519.fromPrivate(CLIENT_EPHEMERAL));
    assertArrayEquals(IDENTITY.publicKey(), result.peerKey().orElseThrow().toByteArray());
    assertEquals(CLIENT_HELLO_FRAME, clientOut.size(), "nothing encrypted before the decision");
    assertEquals(0, result.send().seq());
    ClientHandshake.sendClientAuth(result, writer, CLIENT_IDENTITY);
    assertEquals(CLIENT_HELLO_FRAME + CLIENT_AUTH_FRAME, clientOut.size());
    assertEquals(1, result.send().seq(), "CLIENT_AUTH was the client's record 0");
  }

  @Test
  void refusingVerifierStopsTheClientBeforeItSendsAnythingEncrypted() throws Exception {
    byte[] serverWire = serverWire(clientHelloWire());
    ByteArrayOutputStream clientOut = new ByteArrayOutputStream();
    IOException refusal = new IOException("pinned key differs");
    IOException e = assertThrows(IOException.class,
        () -> ClientHandshake.run(reading(serverWire), new FrameWriter(clientOut),
            CLIENT_IDENTITY, X25519.fromPrivate(CLIENT_EPHEMERAL), serverIdentity -> {
              throw refusal;
            }));
    assertEquals(refusal, e);
    assertEquals(CLIENT_HELLO_FRAME, clientOut.size());
  }

  // --- bad magic, version or size of either hello (protocol §2.1, §2.2) ---

  private static byte[] validServerHello() {
    return new ServerHello(filled(9), SALT, IDENTITY.publicKey()).encode();
  }

  private static byte[] validClientHello() {
    return new ClientHello(filled(9)).encode();
  }

  private static ProtocolException clientReading(byte[] serverHello) {
    ByteArrayOutputStream clientOut = new ByteArrayOutputStream();
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> runClient(frame(serverHello), clientOut));
    assertEquals(0, clientOut.size(), "the client answers no bad ServerHello");
    return e;
  }

  private static ProtocolException serverReading(byte[] clientHello) {
    return assertThrows(ProtocolException.class,
        () -> ServerHandshake.run(reading(frame(clientHello)),
            new FrameWriter(new ByteArrayOutputStream()), IDENTITY,
            X25519.fromPrivate(SERVER_EPHEMERAL), SALT));
  }

  @Test
  void serverHelloWithBadMagicFails() {
    for (int i = 0; i < 7; i++) {
      byte[] hello = validServerHello();
      hello[i] ^= 0x20;
      assertEquals(Reason.BAD_HELLO, clientReading(hello).reason());
      assertEquals(Reason.BAD_HELLO, assertThrows(ProtocolException.class,
          () -> ServerHello.parse(hello)).reason());
    }
  }

  @Test
  void clientHelloWithBadMagicFails() {
    for (int i = 0; i < 7; i++) {
      byte[] hello = validClientHello();
      hello[i] ^= 0x20;
      assertEquals(Reason.BAD_HELLO, serverReading(hello).reason());
    }
  }

  @Test
  void serverHelloOfAnotherVersionNamesTheServersVersion() {
    for (int version : new int[] {0, 1, 3, 255}) {
      byte[] hello = validServerHello();
      hello[7] = (byte) version;
      ProtocolException e = clientReading(hello);
      assertEquals(Reason.VERSION_MISMATCH, e.reason());
      assertEquals(version, e.peerVersion().orElseThrow());
      assertEquals("the server speaks LanChat protocol " + version + "; this client needs 2",
          e.getMessage());
    }
    // a version 3 hello may well have another size: the version is still what is reported
    byte[] longer = Arrays.copyOf(validServerHello(), 200);
    longer[7] = 3;
    assertEquals(Reason.VERSION_MISMATCH, clientReading(longer).reason());
  }

  @Test
  void clientHelloOfAnotherVersionNamesTheClientsVersion() {
    byte[] hello = validClientHello();
    hello[7] = 1;
    ProtocolException e = serverReading(hello);
    assertEquals(Reason.VERSION_MISMATCH, e.reason());
    assertEquals(1, e.peerVersion().orElseThrow());
    assertEquals("the client speaks LanChat protocol 1; this server speaks 2", e.getMessage());
  }

  @Test
  void helloOfTheWrongSizeFails() {
    for (int size : new int[] {1, 7, 8, 39, 41, 103, 105}) {
      byte[] server = Arrays.copyOf(validServerHello(), size);
      if (size != ServerHello.SIZE) {
        assertEquals(Reason.BAD_HELLO, clientReading(server).reason(), "ServerHello of " + size);
      }
      byte[] client = Arrays.copyOf(validClientHello(), size);
      if (size != ClientHello.SIZE) {
        assertEquals(Reason.BAD_HELLO, serverReading(client).reason(), "ClientHello of " + size);
      }
    }
  }

  @Test
  void clientHelloClaimingTheLargestFrameIsRefusedBeforeItsPayloadIsReadOrAllocated()
      throws Exception {
    // the header claims 65,536 bytes; behind it an endless supply of "LANCHAT" ‖ 0x02 ‖ ...
    byte[] prefix = Arrays.copyOf(validClientHello(), 8);
    long[] taken = {0};
    java.util.function.Supplier<java.io.InputStream> endless = () -> new java.io.InputStream() {
      @Override
      public int read() {
        long i = taken[0]++;
        if (i < 4) {
          return new byte[] {0, 1, 0, 0}[(int) i] & 0xFF;
        }
        return i - 4 < prefix.length ? prefix[(int) (i - 4)] & 0xFF : 0x41;
      }
    };
    // warm up once so class loading is not counted as this call's allocation
    assertThrows(ProtocolException.class, () -> ServerHandshake.run(new FrameReader(endless.get()),
        new FrameWriter(new ByteArrayOutputStream()), IDENTITY,
        X25519.fromPrivate(SERVER_EPHEMERAL), SALT));
    taken[0] = 0;
    allocatedBytes();
    java.io.InputStream in = endless.get();
    long before = allocatedBytes();
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> ServerHandshake.run(new FrameReader(in),
            new FrameWriter(new ByteArrayOutputStream()), IDENTITY,
            X25519.fromPrivate(SERVER_EPHEMERAL), SALT));
    long allocated = allocatedBytes() - before;
    assertEquals(Reason.BAD_HELLO, e.reason());
    assertTrue(e.getMessage().contains("65536"), e.getMessage());
    assertEquals(4 + ClientHello.SIZE, taken[0], "read only the header and 40 payload bytes");
    if (before >= 0) {
      // a buffer for the claimed payload alone would be 65,536 bytes
      assertTrue(allocated < Frames.MAX_PAYLOAD,
          "allocated " + allocated + " bytes while refusing");
    }
  }

  /** Bytes this thread allocated so far, or -1 where the JVM cannot tell. */
  private static long allocatedBytes() {
    if (java.lang.management.ManagementFactory.getThreadMXBean()
        instanceof com.sun.management.ThreadMXBean bean && bean.isThreadAllocatedMemoryEnabled()) {
      return bean.getCurrentThreadAllocatedBytes();
    }
    return -1;
  }

  @Test
  void clientHelloSentInPlaceOfServerHelloFails() {
    // a client connected to another client: 40 bytes of "LANCHAT" ‖ 0x02 ‖ key
    assertEquals(Reason.BAD_HELLO, clientReading(validClientHello()).reason());
  }

  @Test
  void hellosEncodeToTheirExactLayout() throws Exception {
    byte[] server = new ServerHello(filled(0xA1), filled(0xB2), filled(0xC3)).encode();
    assertEquals(104, server.length);
    assertEquals("LANCHAT", new String(server, 0, 7, StandardCharsets.US_ASCII));
    assertEquals(2, server[7]);
    assertEquals((byte) 0xA1, server[8]);
    assertEquals((byte) 0xA1, server[39]);
    assertEquals((byte) 0xB2, server[40]);
    assertEquals((byte) 0xB2, server[71]);
    assertEquals((byte) 0xC3, server[72]);
    assertEquals((byte) 0xC3, server[103]);
    assertEquals(new ServerHello(filled(0xA1), filled(0xB2), filled(0xC3)), ServerHello.parse(server));
    byte[] client = new ClientHello(filled(0xD4)).encode();
    assertEquals(40, client.length);
    assertEquals("LANCHAT", new String(client, 0, 7, StandardCharsets.US_ASCII));
    assertEquals(2, client[7]);
    assertEquals(new ClientHello(filled(0xD4)), ClientHello.parse(client));
  }
}
