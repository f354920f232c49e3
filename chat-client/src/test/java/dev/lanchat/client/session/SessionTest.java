package dev.lanchat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One session's typed results, against a scripted server on loopback. */
class SessionTest {
  private static final ServerTrust TRUST = key -> new ServerTrust.Verdict.Trusted(false);
  private static final long T = 10;

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  /** A session and the server's end of it, handshaken concurrently. */
  private record Pair(Session session, ScriptedServer.Peer peer) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      session.close();
      peer.close();
    }
  }

  private Pair connect(ScriptedServer server) throws Exception {
    CompletableFuture<Opened> opened = CompletableFuture.supplyAsync(
        () -> Connector.open(server.settings(), TRUST), threads);
    ScriptedServer.Peer peer = server.accept();
    return new Pair(assertInstanceOf(Opened.Ready.class, opened.get(T, TimeUnit.SECONDS))
        .session(), peer);
  }

  private CompletableFuture<JoinResult> join(Session session, String name) {
    return CompletableFuture.supplyAsync(() -> session.join(name), threads);
  }

  private static ServerMessage.Welcome welcome(String name) {
    return new ServerMessage.Welcome(name, "", "", 0, 0, 20);
  }

  @Test
  void aSecondSessionAfterTheFirstEndedIsJustAnotherOpen() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      for (int round = 1; round <= 2; round++) {
        try (Pair pair = connect(server)) {
          Session session = pair.session();
          ScriptedServer.Peer peer = pair.peer();
          CompletableFuture<JoinResult> joined = join(session, "alice");
          assertEquals(new ClientMessage.Join("alice"), peer.receive());
          peer.send(welcome("alice"));
          assertInstanceOf(JoinResult.Joined.class, joined.get(T, TimeUnit.SECONDS));
          assertEquals(new ClientMessage.BatchOk(), peer.receive(), "protocol §5.13");
          session.start(m -> { });
          CompletableFuture<Void> bye = CompletableFuture.runAsync(session::goodbye, threads);
          ClientMessage.Ping ping = assertInstanceOf(ClientMessage.Ping.class, peer.receive());
          peer.send(new ServerMessage.Pong(ping.token()));
          assertEquals(new ClientMessage.Bye(), peer.receive());
          bye.get(T, TimeUnit.SECONDS);
          assertEquals(new Ending.Left(), session.awaitEnd(), "round " + round);
        }
      }
    }
  }

  @Test
  void aNameErrorIsARefusalAndTheSameSessionMayJoinAgain() throws Exception {
    try (ScriptedServer server = new ScriptedServer(); Pair pair = connect(server)) {
      Session session = pair.session();
      ScriptedServer.Peer peer = pair.peer();
      CompletableFuture<JoinResult> first = join(session, "alice");
      assertEquals(new ClientMessage.Join("alice"), peer.receive());
      ServerMessage.Error taken = new ServerMessage.Error(ErrorCode.NAME_TAKEN, "alice is here");
      peer.send(new ServerMessage.Pong(7), taken); // strays before the answer are skipped
      assertEquals(new JoinResult.Refused(taken), first.get(T, TimeUnit.SECONDS));
      CompletableFuture<JoinResult> second = join(session, "alice2");
      assertEquals(new ClientMessage.Join("alice2"), peer.receive());
      peer.send(welcome("alice2"));
      assertEquals(new JoinResult.Joined(welcome("alice2")), second.get(T, TimeUnit.SECONDS));
    }
  }

  @Test
  void theSessionPacesToTheLimitsWelcomeStates() throws Exception {
    try (ScriptedServer server = new ScriptedServer(); Pair pair = connect(server)) {
      Session session = pair.session();
      assertEquals(SendLimits.SERVER_DEFAULTS, session.limits(), "until WELCOME says otherwise");
      CompletableFuture<JoinResult> joined = join(session, "alice");
      assertEquals(new ClientMessage.Join("alice"), pair.peer().receive());
      pair.peer().send(new ServerMessage.Welcome("alice", "Kitchen", "", 2_500, 5, 20));
      assertInstanceOf(JoinResult.Joined.class, joined.get(T, TimeUnit.SECONDS));
      assertEquals(new SendLimits(2_500, 5), session.limits());
    }
  }

  @Test
  void aServerThatClosesBeforeAnsweringJoinGivesClosed() throws Exception {
    try (ScriptedServer server = new ScriptedServer(); Pair pair = connect(server)) {
      Session session = pair.session();
      CompletableFuture<JoinResult> joined = join(session, "alice");
      assertEquals(new ClientMessage.Join("alice"), pair.peer().receive());
      pair.peer().close();
      assertEquals(new JoinResult.Closed(), joined.get(T, TimeUnit.SECONDS));
    }
  }

  @Test
  void eventsReachTheListenerButPongsAndTheServersByeEndTheSessionInstead() throws Exception {
    try (ScriptedServer server = new ScriptedServer(); Pair pair = connect(server)) {
      Session session = pair.session();
      ScriptedServer.Peer peer = pair.peer();
      CompletableFuture<JoinResult> joined = join(session, "alice");
      peer.receive();
      peer.send(welcome("alice"));
      assertInstanceOf(JoinResult.Joined.class, joined.get(T, TimeUnit.SECONDS));
      BlockingQueue<ServerMessage> events = new LinkedBlockingQueue<>();
      session.start(events::add);
      ServerMessage.Chat chat = new ServerMessage.Chat(new dev.lanchat.common.message.EventHeader(
          "#general", 1, dev.lanchat.common.bytes.ByteString.copyOf(new byte[32]), 1L,
          dev.lanchat.common.bytes.ByteString.copyOf(new byte[32])), "bob", "hi");
      ServerMessage.Bye bye = new ServerMessage.Bye("shutting down");
      peer.send(chat, new ServerMessage.Pong(99), bye);
      assertEquals(new Ending.ServerBye(bye), session.awaitEnd());
      assertEquals(List.of(chat), List.copyOf(events));
    }
  }
}
