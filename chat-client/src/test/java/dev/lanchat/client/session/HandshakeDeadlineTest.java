package dev.lanchat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's handshake has an overall deadline (issue 13 #7): a server that trickles bytes
 * cannot hold it, yet a person deciding whether to trust the server is never hurried by it.
 */
class HandshakeDeadlineTest {
  /** Far longer than any deadline here: the client must not wait for the trickle to end. */
  private static final int TRICKLE_BYTES = 1_000;
  private static final long TRICKLE_GAP_MS = 20;

  /** Own threads: the common pool may have one thread only, and these tasks block. */
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  private static ServerSocket listen() throws IOException {
    return new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
  }

  private static SessionSettings settings(ServerSocket server, Duration deadline) {
    return SessionSettings.of("127.0.0.1", server.getLocalPort(), ScriptedServer.CLIENT)
        .withHandshakeDeadline(deadline);
  }

  @Test
  void aServerThatTricklesOneByteAtATimeCannotHoldTheHandshakePastItsDeadline()
      throws Exception {
    try (ServerSocket server = listen()) {
      AtomicInteger trickled = new AtomicInteger();
      CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> trickle(server, trickled),
          threads);
      CompletableFuture<Opened> opened = CompletableFuture.supplyAsync(() ->
          Connector.open(settings(server, Duration.ofSeconds(1)), key -> fail("never trusted")),
          threads);
      // the trickle alone would take 20 s, and each byte comes well within a per-read timeout
      Opened result = opened.get(10, TimeUnit.SECONDS);
      Opened.Failed failed = assertInstanceOf(Opened.Failed.class, result);
      assertEquals(Problem.Kind.HANDSHAKE, failed.problem().kind());
      assertTrue(failed.problem().message().contains("did not complete the handshake within 1 s"),
          failed.problem().message());
      assertTrue(trickled.get() > 5, "the server was trickling, not silent: " + trickled.get());
      trickle.get(25, TimeUnit.SECONDS); // its next writes fail: the client closed
    }
  }

  /** Accepts one client and sends a frame that claims 65,535 bytes, one byte at a time. */
  private static void trickle(ServerSocket server, AtomicInteger trickled) {
    try (Socket client = server.accept()) {
      OutputStream out = client.getOutputStream();
      byte[] bytes = {0, 0, (byte) 0xFF, (byte) 0xFF};
      for (int i = 0; i < TRICKLE_BYTES; i++) {
        out.write(i < bytes.length ? bytes[i] : 0x01);
        out.flush();
        trickled.incrementAndGet();
        Thread.sleep(TRICKLE_GAP_MS); // the pace of the attack itself, not a synchronisation
      }
    } catch (IOException e) {
      // the client gave up and closed: what the test wants
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void theAnswerToJoinHasItsOwnDeadlineThatATrickleCannotStretch() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      CompletableFuture<Opened> opened = CompletableFuture.supplyAsync(() -> Connector.open(
          server.settings().withHandshakeDeadline(Duration.ofSeconds(1)),
          key -> new ServerTrust.Verdict.Trusted(false)), threads);
      CompletableFuture<Void> trickle;
      try (ScriptedServer.Peer peer = server.accept();
          Session session = assertInstanceOf(Opened.Ready.class,
              opened.get(10, TimeUnit.SECONDS)).session()) {
        CompletableFuture<JoinResult> joined =
            CompletableFuture.supplyAsync(() -> session.join("alice"), threads);
        assertEquals(new ClientMessage.Join("alice"), peer.receive());
        trickle = CompletableFuture.runAsync(() -> {
          try {
            for (int i = 0; i < TRICKLE_BYTES; i++) {
              peer.writeRawByte(i < 2 ? 0 : 0xFF); // a frame header, then a payload that never ends
              Thread.sleep(TRICKLE_GAP_MS); // the pace of the attack itself
            }
          } catch (IOException e) {
            // the client gave up and closed
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, threads);
        JoinResult.Failed failed = assertInstanceOf(JoinResult.Failed.class,
            joined.get(10, TimeUnit.SECONDS));
        assertEquals("connection lost: the server did not answer JOIN",
            failed.problem().message());
      }
      trickle.get(25, TimeUnit.SECONDS); // its next writes fail: the client closed
    }
  }

  @Test
  void theDeadlineDoesNotRunWhileAPersonDecidesWhetherToTrust() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      CompletableFuture<ClientMessage> joined = CompletableFuture.supplyAsync(() -> {
        try (ScriptedServer.Peer peer = server.accept()) {
          ClientMessage join = peer.receive();
          peer.send(new ServerMessage.Welcome("alice", "", "", 0, 0, 20));
          return join;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, threads);
      AtomicLong now = new AtomicLong();
      // the person takes an hour to answer, by the clock the deadline reads
      ServerTrust slowPerson = key -> {
        now.addAndGet(Duration.ofHours(1).toNanos());
        return new ServerTrust.Verdict.Trusted(true);
      };
      Opened opened = Connector.open(server.settings().withHandshakeDeadline(
          Duration.ofSeconds(1)), slowPerson, now::get);
      Opened.Ready ready = assertInstanceOf(Opened.Ready.class, opened);
      try (Session session = ready.session()) {
        assertTrue(ready.askedPerson());
        JoinResult result = session.join("alice");
        assertInstanceOf(JoinResult.Joined.class, result, result.toString());
      }
      assertEquals(new ClientMessage.Join("alice"), joined.get(10, TimeUnit.SECONDS));
    }
  }
}
