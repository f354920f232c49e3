package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.ServerKeyVerifier;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.testing.FaultProxy;
import dev.lanchat.common.testing.FaultProxy.Chunking;
import dev.lanchat.common.testing.FaultProxy.Plan;
import dev.lanchat.common.testing.Tamper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real server behind the fault-injecting proxy. Re-chunked streams change nothing; a session
 * tampered with in either direction is cut at the bad record, and nothing from that record or
 * after it reaches anyone: 10,000 sessions, each through its own proxy, 8 at a time against one
 * server. (chat-common's TamperedRecordsTest runs another 10,000 at the record layer, with
 * bit flips in the length field too.)
 */
@Timeout(180)
class FaultProxyServerTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** SAYs (client to server) or PINGs (for PONGs back) after JOIN in a tampered session. */
  private static final int MESSAGES = 5;
  /**
   * Tampered sessions through the proxy, two thirds towards the server: 10,000 take about 22 s
   * on the 2-core test machine; {@code -Dlanchat.proxy.sessions=300} runs a quick subset.
   */
  private static final int SESSIONS = Integer.getInteger("lanchat.proxy.sessions", 10_000);
  private static final int SESSIONS_TO_SERVER = SESSIONS * 2 / 3;
  private static final int SESSIONS_TO_CLIENT = SESSIONS - SESSIONS_TO_SERVER;
  private static final int POOL = 8;

  enum Kind { FLIP, DROP, DUPLICATE, REORDER, SPLICE }

  @Test
  void reChunkedStreamsGiveZeroErrorsAndIdenticalTranscripts() throws Exception {
    long seed = RANDOM.nextLong();
    System.out.println("reChunked seed " + seed);
    List<Chunking> chunkings = List.of(Chunking.oneByte(50_000, seed), Chunking.oneByte(0, seed + 1),
        Chunking.random(7, 200_000, seed + 2), Chunking.random(300, 100_000, seed + 3));
    try (ChatServer server = TestServers.start(); TestClient observer = TestClient.join(server.port(), "observer")) {
      List<FaultProxy> proxies = new ArrayList<>();
      List<TestClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < chunkings.size(); i++) {
          Chunking c = chunkings.get(i);
          FaultProxy proxy = FaultProxy.start(server.port(), () -> new Plan(Tamper.none(), Tamper.none(), c));
          proxies.add(proxy);
          clients.add(TestClient.join(proxy.port(), "chunked" + i));
        }
        observer.sync(); // everyone has joined before anyone speaks
        for (int line = 0; line < 10; line++) {
          for (TestClient c : clients) {
            c.send(TestClient.say(c.name() + " line " + line + " \u00e9\u4e16"));
          }
        }
        observer.send(TestClient.say("END"));
        List<TestClient> everyone = new ArrayList<>(clients);
        everyone.add(observer);
        List<List<String>> transcripts = new ArrayList<>();
        for (TestClient c : everyone) {
          c.awaitMatching(m -> m instanceof ServerMessage.Chat ch && ch.text().equals("END"), "END");
          c.sync();
          assertFalse(c.isClosed(), c.name() + " is still connected");
          assertTrue(c.log().stream().noneMatch(m -> m instanceof ServerMessage.Error), c.log().toString());
          transcripts.add(c.log().stream().filter(m -> m instanceof ServerMessage.Chat)
              .map(m -> ((ServerMessage.Chat) m).from() + ": " + ((ServerMessage.Chat) m).text()).toList());
        }
        assertEquals(10 * clients.size() + 1, transcripts.get(0).size(), transcripts.get(0).toString());
        for (int i = 1; i < transcripts.size(); i++) {
          assertEquals(transcripts.get(0), transcripts.get(i), everyone.get(i).name());
        }
      } finally {
        for (TestClient c : clients) {
          c.close();
        }
        proxies.forEach(FaultProxy::close);
      }
    }
  }

  @Test
  void sessionsTamperedOnTheWayToTheServerAreCutAtTheBadRecordAndNothingFromItIsDelivered()
      throws Exception {
    long seed = RANDOM.nextLong();
    System.out.println("toServer seed " + seed);
    // the observer only listens while the tampered sessions run, which on a loaded machine can
    // outlast the default idle timeout
    ServerConfig patient = TestServers.config().toBuilder()
        .idleTimeout(java.time.Duration.ofMinutes(10)).build();
    try (ChatServer server = TestServers.start(patient);
        TestClient observer = TestClient.join(server.port(), "observer")) {
      int port = server.port();
      List<byte[]> donor = donorFrames(port);
      Map<String, List<String>> expected = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(POOL, Thread.ofVirtual().factory());
      List<Future<?>> work = new ArrayList<>();
      for (int s = 0; s < SESSIONS_TO_SERVER; s++) {
        int session = s;
        Random random = new Random(seed + s);
        Kind kind = Kind.values()[s % Kind.values().length];
        // frame 0 is the ClientHello, 1 CLIENT_AUTH, 2 the JOIN, 3 the ENTER, 4.. the SAYs,
        // then a PING: one always follows
        int at = 4 + random.nextInt(MESSAGES);
        Tamper tamper = tamper(kind, at, random, donor);
        int genuineSays = (kind == Kind.DUPLICATE ? at + 1 : at) - 4;
        work.add(pool.submit(() -> {
          String name = "t" + session;
          List<String> said = new ArrayList<>();
          for (int j = 0; j < Math.min(genuineSays, MESSAGES); j++) {
            said.add(name + " #" + j);
          }
          expected.put(name, said);
          try (FaultProxy proxy = FaultProxy.start(port, () -> new Plan(tamper, Tamper.none(), Chunking.WHOLE));
              TestClient c = TestClient.join(proxy.port(), name)) {
            try {
              for (int j = 0; j < MESSAGES; j++) {
                c.send(TestClient.say(name + " #" + j));
              }
              c.send(new ClientMessage.Ping(1));
            } catch (IOException e) {
              // the server may have cut the connection already
            }
            c.awaitClosed(); // the server noticed and hung up
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      observer.sync(); // every broadcast from the tampered sessions was queued before this PONG
      for (Map.Entry<String, List<String>> e : expected.entrySet()) {
        List<String> delivered = observer.log().stream()
            .filter(m -> m instanceof ServerMessage.Chat ch && ch.from().equals(e.getKey()))
            .map(m -> ((ServerMessage.Chat) m).text()).toList();
        assertEquals(e.getValue(), delivered, e.getKey() + " (seed " + seed + ")");
      }
      assertEquals(SESSIONS_TO_SERVER, expected.size());
    }
  }

  @Test
  void sessionsTamperedOnTheWayToTheClientAreCutAtTheBadRecordAndNothingFromItIsDelivered()
      throws Exception {
    long seed = RANDOM.nextLong();
    System.out.println("toClient seed " + seed);
    try (ChatServer server = TestServers.start()) {
      int port = server.port();
      List<byte[]> donor = new ArrayList<>();
      try (FaultProxy proxy = FaultProxy.start(port, () -> new Plan(Tamper.none(), Tamper.record(donor), Chunking.WHOLE))) {
        Received r = pingSession(proxy.port(), "donor");
        assertInstanceOf(java.io.EOFException.class, r.failure(), "an untampered session ends cleanly");
        assertEquals(1 + MESSAGES, r.messages().size(), "WELCOME and every PONG: " + r.messages());
      }
      ExecutorService pool = Executors.newFixedThreadPool(POOL, Thread.ofVirtual().factory());
      List<Future<?>> work = new ArrayList<>();
      for (int s = 0; s < SESSIONS_TO_CLIENT; s++) {
        String name = "c" + s;
        Random random = new Random(seed + s);
        Kind kind = Kind.values()[s % Kind.values().length];
        // frame 0 is the ServerHello, 1 SERVER_AUTH, 2 WELCOME, then at least MESSAGES PONGs
        int at = 2 + random.nextInt(MESSAGES);
        Tamper tamper = tamper(kind, at, random, donor);
        int genuine = (kind == Kind.DUPLICATE ? at + 1 : at) - 2;
        work.add(pool.submit(() -> {
          try (FaultProxy proxy = FaultProxy.start(port, () -> new Plan(Tamper.none(), tamper, Chunking.WHOLE))) {
            Received r = pingSession(proxy.port(), name);
            String what = name + " " + kind + " at frame " + at + " (seed " + seed + ")";
            assertInstanceOf(ProtocolException.class, r.failure(), what);
            assertEquals(genuine, r.messages().size(), what + ": " + r.messages());
            if (genuine > 0) {
              assertInstanceOf(ServerMessage.Welcome.class, r.messages().get(0), what);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
    }
  }

  @Test
  void aFrozenDirectionDeliversNothingAndKeepsTheConnectionOpenUntilTheProxyCloses() throws Exception {
    try (ChatServer server = TestServers.start(); TestClient observer = TestClient.join(server.port(), "observer")) {
      FaultProxy proxy = FaultProxy.start(server.port(),
          // client frame 4 is the first SAY (0 ClientHello, 1 CLIENT_AUTH, 2 JOIN, 3 ENTER)
          () -> new Plan(Tamper.freeze(4), Tamper.none(), Chunking.WHOLE));
      try (TestClient frozen = TestClient.join(proxy.port(), "frozen")) {
        frozen.send(TestClient.say("never arrives"));
        observer.send(TestClient.say("still here"));
        frozen.awaitMatching(m -> m instanceof ServerMessage.Chat c && c.text().equals("still here"),
            "the other direction still flows");
        observer.sync();
        assertTrue(observer.log().stream().noneMatch(m -> m instanceof ServerMessage.Chat c
            && c.from().equals("frozen")));
        assertFalse(frozen.isClosed(), "half-open, not closed");
        proxy.close();
        observer.awaitLeft("frozen");
      }
    }
  }

  @Test
  void aResetEndsTheSessionAfterTheRecordsBeforeIt() throws Exception {
    try (ChatServer server = TestServers.start(); TestClient observer = TestClient.join(server.port(), "observer");
        FaultProxy proxy = FaultProxy.start(server.port(),
            // client frame 5 is the second SAY (0 ClientHello, 1 CLIENT_AUTH, 2 JOIN, 3 ENTER,
            // 4 first SAY)
            () -> new Plan(Tamper.reset(5), Tamper.none(), Chunking.WHOLE));
        TestClient reset = TestClient.join(proxy.port(), "reset")) {
      reset.send(TestClient.say("first"));
      reset.send(TestClient.say("second"));
      reset.awaitClosed();
      observer.awaitLeft("reset");
      observer.sync();
      assertEquals(List.of("first"), observer.log().stream()
          .filter(m -> m instanceof ServerMessage.Chat c && c.from().equals("reset"))
          .map(m -> ((ServerMessage.Chat) m).text()).toList());
    }
  }

  private static Tamper tamper(Kind kind, int at, Random random, List<byte[]> donor) {
    return switch (kind) {
      // past the length: a longer length would only make the reader wait for bytes (the
      // in-memory test flips length bits too)
      case FLIP -> Tamper.flipBit(at, 32 + random.nextInt(8 * 16));
      case DROP -> Tamper.drop(at);
      case DUPLICATE -> Tamper.duplicate(at);
      case REORDER -> Tamper.reorder(at);
      case SPLICE -> Tamper.splice(at, donor.get(at));
    };
  }

  /** Frames a genuine client sent in another session, to splice into tampered ones. */
  private static List<byte[]> donorFrames(int port) throws IOException, InterruptedException {
    List<byte[]> frames = new ArrayList<>();
    try (FaultProxy proxy = FaultProxy.start(port, () -> new Plan(Tamper.record(frames), Tamper.none(), Chunking.WHOLE));
        TestClient donor = TestClient.join(proxy.port(), "donor")) {
      for (int j = 0; j < MESSAGES; j++) {
        donor.send(TestClient.say("donor #" + j));
      }
      donor.sync();
      donor.send(new ClientMessage.Bye());
      donor.awaitClosed();
    }
    synchronized (frames) {
      assertTrue(frames.size() >= 4 + MESSAGES, "hello, JOIN, ENTER, SAYs, PING: "
          + frames.size());
      return List.copyOf(frames);
    }
  }

  private record Received(List<ServerMessage> messages, IOException failure) { }

  /**
   * Joins, sends {@link #MESSAGES} PINGs at once and BYE, and reads until the connection fails
   * or ends, keeping every message that was delivered.
   */
  private static Received pingSession(int port, String name) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
      socket.setSoTimeout((int) TestClient.WAIT.toMillis());
      FrameReader reader = new FrameReader(new BufferedInputStream(socket.getInputStream()));
      FrameWriter writer = new FrameWriter(socket.getOutputStream());
      MessageChannel channel = new MessageChannel(ClientHandshake.run(reader, writer,
          Identity.generate(RANDOM), RANDOM, ServerKeyVerifier.TRUST_ANY).channel(reader, writer));
      channel.send(new ClientMessage.Join(name));
      for (int j = 0; j < MESSAGES; j++) {
        channel.send(new ClientMessage.Ping(j));
      }
      channel.send(new ClientMessage.Bye());
      List<ServerMessage> got = new ArrayList<>();
      while (true) {
        try {
          got.add(channel.receiveFromServer());
        } catch (IOException e) {
          return new Received(got, e);
        }
      }
    }
  }
}
