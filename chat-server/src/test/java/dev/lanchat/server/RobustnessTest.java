package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ordering under concurrency, slow and vanishing clients, and garbage from the network. */
@Timeout(120)
class RobustnessTest {

  @Test
  void concurrentSendersProduceOneAndTheSameOrderAtEveryReceiver() throws Exception {
    int senders = 3;
    int perSender = 100;
    try (ChatServer server = TestServers.start()) {
      int port = server.port();
      List<TestClient> everyone = new ArrayList<>();
      try {
        for (String name : List.of("o1", "o2", "s0", "s1", "s2")) {
          everyone.add(TestClient.join(port, name));
        }
        List<TestClient> sending = everyone.subList(2, 2 + senders);
        ExecutorService pool = Executors.newFixedThreadPool(senders + 1, Thread.ofVirtual().factory());
        List<Future<?>> work = new ArrayList<>();
        for (TestClient s : sending) {
          work.add(pool.submit(() -> {
            for (int i = 0; i < perSender; i++) {
              s.send(TestClient.say(s.name() + " #" + i));
            }
            s.awaitMatching(m -> m instanceof ServerMessage.Chat c
                && c.text().equals(s.name() + " #" + (perSender - 1)), "own last line");
            return null;
          }));
        }
        work.add(pool.submit(() -> { // JOINED and LEFT events interleave with the messages
          for (int i = 0; i < 5; i++) {
            TestClient visitor = TestClient.join(port, "visitor" + i);
            visitor.send(new ClientMessage.Bye());
            visitor.awaitClosed();
          }
          return null;
        }));
        for (Future<?> f : work) {
          f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        everyone.get(0).send(TestClient.say("END"));
        List<List<String>> orders = new ArrayList<>();
        for (TestClient c : everyone) {
          c.awaitMatching(m -> m instanceof ServerMessage.Chat ch && ch.text().equals("END"), "END");
          orders.add(events(c.log(), Set.of("o1", "o2", "s0", "s1", "s2")));
        }
        List<String> first = orders.get(0);
        assertEquals(senders * perSender + 5 + 5 + 1, first.size(), first.toString());
        for (int i = 1; i < orders.size(); i++) {
          assertEquals(first, orders.get(i), "receiver " + everyone.get(i).name());
        }
      } finally {
        for (TestClient c : everyone) {
          c.close();
        }
      }
    }
  }

  /** MESSAGE, JOINED and LEFT events, leaving out the JOINED of the initial members. */
  private static List<String> events(List<ServerMessage> log, Set<String> initial) {
    List<String> out = new ArrayList<>();
    for (ServerMessage m : log) {
      switch (m) {
        case ServerMessage.Chat c -> out.add("M " + c.from() + ": " + c.text() + " @" + c.time());
        case ServerMessage.Joined j -> {
          if (!initial.contains(j.member().name())) {
            out.add("J " + j.member().name() + " @" + j.time());
          }
        }
        case ServerMessage.Left l -> out.add("L " + l.name() + " (" + l.reason() + ") @" + l.time());
        default -> { }
      }
    }
    return out;
  }

  @Test
  void aClientThatStopsReadingIsRemovedAsTooSlowWhileOthersKeepReceiving() throws Exception {
    ServerConfig config = TestServers.config().toBuilder().backlog(64, 256 * 1024).build();
    try (ChatServer server = TestServers.start(config);
        TestClient sender = TestClient.join(server.port(), "sender");
        TestClient watcher = TestClient.join(server.port(), "watcher");
        Socket stuck = TestClient.joinWithoutReading(server.port(), "stuck")) {
      watcher.awaitMatching(m -> m instanceof ServerMessage.Joined j && j.member().name().equals("stuck"),
          "JOINED stuck");
      String line = "y".repeat(4000);
      int sent = 0;
      boolean removed = false;
      // bounded: 4,000 lines of 4 KB are far more than every buffer between here and "stuck"
      while (!removed && sent < 4000) {
        for (int i = 0; i < 32; i++) {
          sender.send(TestClient.say(sent + ":" + line));
          sent++;
        }
        // the readers keep up with each batch, so only "stuck" can overflow its backlog
        String last = (sent - 1) + ":";
        for (TestClient reader : List.of(sender, watcher)) {
          reader.awaitMatching(m -> m instanceof ServerMessage.Chat c && c.text().startsWith(last),
              "line " + last);
        }
        removed = watcher.log().stream()
            .anyMatch(m -> m instanceof ServerMessage.Left l && l.name().equals("stuck"));
      }
      assertTrue(removed, "the stuck client was never removed");
      ServerMessage.Left left = watcher.log().stream()
          .filter(m -> m instanceof ServerMessage.Left l && l.name().equals("stuck"))
          .map(ServerMessage.Left.class::cast).findFirst().orElseThrow();
      assertEquals("too slow", left.reason());
      sender.send(TestClient.say("after"));
      watcher.awaitMatching(m -> m instanceof ServerMessage.Chat c && c.text().equals("after"),
          "MESSAGE after");
      int seen = (int) watcher.log().stream().filter(m -> m instanceof ServerMessage.Chat).count();
      assertEquals(sent + 1, seen, "the watcher lost nothing");
      assertClosedEventually(stuck);
    }
  }

  @Test
  void thousandConnectionsSendingRandomBytesLeaveTheServerServing() throws Exception {
    long seed = System.nanoTime();
    System.out.println("random bytes seed: " + seed);
    try (ChatServer server = TestServers.start(TestServers.config().toBuilder().connectRate(0, 1)
        .handshakeTimeout(java.time.Duration.ofSeconds(5)).build())) {
      int port = server.port();
      ExecutorService pool = Executors.newFixedThreadPool(8, Thread.ofVirtual().factory());
      List<Future<?>> work = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        Random random = new Random(seed + i);
        int variant = i % 4;
        work.add(pool.submit(() -> {
          try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            if (variant == 1 || variant == 3) {
              new FrameReader(in).readFrame(); // the ServerHello
            }
            byte[] junk = new byte[4 + random.nextInt(300)];
            random.nextBytes(junk);
            if (variant == 3) {
              junk[0] = 0;
              junk[1] = 0;
            }
            out.write(junk);
            out.flush();
            if (variant == 2) {
              s.setSoLinger(true, 0);
            }
          } catch (IOException e) {
            // the server may hang up first: that is allowed
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get(90, TimeUnit.SECONDS);
      }
      pool.shutdown();
      try (TestClient alice = TestClient.join(port, "alice");
          TestClient bob = TestClient.join(port, "bob")) {
        alice.send(TestClient.say("still serving"));
        assertEquals("still serving", bob.await(ServerMessage.Chat.class).text());
      }
    }
  }

  /** Reads (and drops) whatever is buffered until the server's close shows. */
  private static void assertClosedEventually(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    try {
      while (total < (256L << 20)) {
        int n = in.read(buffer);
        if (n < 0) {
          return;
        }
        total += n;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the slow client's connection stayed open");
    } catch (IOException e) {
      return; // reset: closed
    }
    assertTrue(false, "the slow client kept receiving more than 256 MiB");
  }
}
