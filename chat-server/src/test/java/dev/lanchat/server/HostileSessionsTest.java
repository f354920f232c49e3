package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.SignedHead;
import dev.lanchat.common.e2e.E2eKey;
import dev.lanchat.common.e2e.RoomMessage;
import dev.lanchat.common.e2e.SealedDm;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Authenticated clients that send whatever they like: every client message type with odd field
 * values (empty, huge, control characters, foreign rooms and names, repeated and zero ids, keys
 * and signatures of random bytes), mutated encodings of them, random payloads in well-sealed
 * records, and abrupt closes and resets, in random order and across reconnections. The rule
 * they check: bad input ends at most the offending connection. Two members who only chat meanwhile
 * are never removed and still reach each other afterwards, every hostile session is gone once
 * its client is, and nothing escapes as an exception or a stack trace in the log.
 *
 * <p>A seeded loop: the seed is printed, and {@code -Dlanchat.hostile.seed=S} runs one again.
 * The hostile clients only start sessions and send; what the server answers is read by each
 * client's reader and dropped.
 */
@Timeout(300)
class HostileSessionsTest {
  private static final int WORKERS = 8;
  /** Steps of each hostile client; {@code -Dlanchat.hostile.steps=N} runs longer by hand. */
  private static final int STEPS_PER_WORKER = Integer.getInteger("lanchat.hostile.steps", 300);
  private static final java.time.Duration BACK_TO_BASELINE = java.time.Duration.ofSeconds(10);

  // a few hundred sessions: their joins show the hostile clients reached the session rules
  @RegisterExtension
  final ServerLogWatch log = new ServerLogWatch(Level.INFO);

  @Test
  void hostileSessionsEndAloneAndMembersKeepChatting() throws Exception {
    run(TestServers.config());
  }

  @Test
  void hostileSessionsEndAloneUnderTheDefaultLimitsToo() throws Exception {
    ServerConfig defaults = ServerConfig.builder().build();
    run(TestServers.config().toBuilder()
        .connectRate(defaults.connectRate(), defaults.connectBurst())
        .messageRate(defaults.rate(), defaults.burst())
        .roomBudget(defaults.roomBudget()).build());
  }

  private void run(ServerConfig limits) throws Exception {
    // the members stay silent while the hostile clients run, which by hand can be minutes: no
    // idle limit, or they would be timed out for that rather than for anything hostile
    ServerConfig config = limits.toBuilder().idleTimeout(java.time.Duration.ZERO).build();
    String given = System.getProperty("lanchat.hostile.seed");
    long seed = given != null ? Long.parseLong(given) : new SecureRandom().nextLong();
    System.out.println("HostileSessionsTest seed " + seed);
    try (ChatServer server = TestServers.start(config);
        TestClient alice = TestClient.join(server.port(), "alice");
        TestClient bob = TestClient.join(server.port(), "bob")) {
      int port = server.port();
      ExecutorService pool = Executors.newFixedThreadPool(WORKERS, Thread.ofVirtual().factory());
      try {
        List<Future<?>> work = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
          Random random = new Random(seed + w);
          int worker = w;
          work.add(pool.submit(() -> {
            new Hostile(port, worker, random).run(STEPS_PER_WORKER);
            return null;
          }));
        }
        // the members chat all along, so the hostile sessions meet a busy room (ten lines:
        // inside the default burst of twenty, with the lines after, whatever the timing)
        for (int i = 0; i < 10; i++) {
          alice.say(TestClient.GENERAL, "during " + i);
        }
        for (Future<?> f : work) {
          f.get(240, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }

      ServerLogWatch.awaitAtMost(server::clientCount, 2, BACK_TO_BASELINE,
          "sessions after the hostile clients closed (seed " + seed + ")");
      alice.say(TestClient.GENERAL, "still here");
      bob.awaitMatching(m -> m instanceof ServerMessage.Chat c && c.text().equals("still here"),
          "alice's line after the hostile sessions (seed " + seed + ")");
      bob.say(TestClient.GENERAL, "me too");
      alice.awaitMatching(m -> m instanceof ServerMessage.Chat c && c.text().equals("me too"),
          "bob's line after the hostile sessions (seed " + seed + ")");
      assertFalse(alice.isClosed() || bob.isClosed(), "a member was removed (seed " + seed + ")");
      assertTrue(alice.log().stream().noneMatch(m -> m instanceof ServerMessage.Left l
              && (l.name().equals("alice") || l.name().equals("bob"))),
          "a member was told that alice or bob left (seed " + seed + ")");
    }
    // what the server said of the hostile sessions, by kind: for the report, and to show they
    // reached its rules rather than ending in the handshake
    java.util.Map<String, Long> kinds = log.events().stream().collect(
        java.util.stream.Collectors.groupingBy(HostileSessionsTest::kind,
            java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    System.out.println("HostileSessionsTest: the server logged " + kinds);
    long hostileJoins = log.events().stream()
        .filter(e -> e.getFormattedMessage().startsWith("join h")).count();
    assertTrue(hostileJoins >= WORKERS, "hostile clients that joined: " + hostileJoins);
    assertTrue(log.uncaught().isEmpty(), "uncaught exceptions (seed " + seed + "): "
        + log.uncaught());
    log.assertNoStackTrace("seed " + seed);
    List<String> unexpected = log.events().stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
    assertEquals(List.of(), unexpected.stream().limit(20).toList(),
        unexpected.size() + " errors logged (seed " + seed + ")");
  }

  /** One hostile client, reconnecting whenever its session ended. */
  private static final class Hostile {
    private final int port;
    private final Random random;
    private final Values values;
    private final int worker;
    private TestClient client;
    private int sessions;

    Hostile(int port, int worker, Random random) {
      this.port = port;
      this.worker = worker;
      this.random = random;
      this.values = new Values(random);
    }

    void run(int steps) throws IOException, InterruptedException {
      try {
        for (int step = 0; step < steps; step++) {
          try {
            if (client == null || client.isClosed()) {
              reconnect();
            }
            act();
          } catch (IOException e) {
            // the server ended this session (that is its answer to much of the above)
            if (client != null) {
              client.close();
            }
            client = null;
          }
        }
      } finally {
        if (client != null) {
          client.close();
        }
      }
    }

    private void reconnect() throws IOException {
      if (client != null) {
        client.close();
      }
      client = TestClient.connect(port);
      sessions++;
      if (random.nextInt(10) < 8) { // mostly past JOIN, where most of the protocol lives
        String name = random.nextInt(4) == 0 ? values.name() : "h" + worker + "-" + sessions;
        sendBytes(values.encodable(new ClientMessage.Join(name)));
        if (random.nextBoolean()) {
          sendBytes(values.encodable(
              new ClientMessage.Enter(values.room(), values.since(), random.nextBoolean())));
        }
      }
    }

    /** Sends one payload in a well-sealed record, cut to what one record carries. */
    private void sendBytes(byte[] payload) throws IOException {
      int most = dev.lanchat.common.crypto.CipherState.MAX_PLAINTEXT;
      client.channel().sendEncoded(
          List.of(payload.length <= most ? payload : java.util.Arrays.copyOf(payload, most)));
    }

    private void act() throws IOException {
      int pick = random.nextInt(100);
      if (pick < 60) {
        byte[] encoded = values.encodable();
        sendBytes(encoded);
      } else if (pick < 80) {
        sendBytes(values.mutate(values.encodable()));
      } else if (pick < 90) {
        sendBytes(values.randomPayload());
      } else if (pick < 94) {
        sendBytes(values.encodable(new ClientMessage.Bye(values.text())));
      } else if (pick < 97) {
        client.reset();
        client = null;
      } else {
        client.close();
        client = null;
      }
    }
  }

  /** Field values and messages that a well-behaved client would seldom or never send. */
  private static final class Values {
    private static final String[] TEXTS = {
        "", " ", "hi", "\u001b[2J\u001b[31mred", "\u0000nul", "bell\u0007", "\r\nforged line",
        "\u202eevil", "e\u0301\u0301\u0301", "😀", "#general", "alice", "/quit", "\t"};
    private static final String[] ROOMS = {
        "#general", "#fuzz", "#other", "", "#", "general", "#\u001b", "#" + "x".repeat(200),
        "#GENERAL", "#ｇeneral", "# space"};
    private static final String[] NAMES = {
        "alice", "bob", "Alice", "", " ", "a", "x".repeat(100), "nul\u0000", "\u001b[2J",
        "ｂob", "mallory", "eve"};
    private final Random random;

    Values(Random random) {
      this.random = random;
    }

    String text() {
      return switch (random.nextInt(6)) {
        case 0 -> randomString(random.nextInt(4000));
        case 1 -> "y".repeat(random.nextInt(70_000)); // past the str limit at times
        default -> TEXTS[random.nextInt(TEXTS.length)];
      };
    }

    String room() {
      return random.nextInt(5) == 0 ? "#" + randomString(random.nextInt(40))
          : ROOMS[random.nextInt(ROOMS.length)];
    }

    String name() {
      return random.nextInt(5) == 0 ? randomString(random.nextInt(40))
          : NAMES[random.nextInt(NAMES.length)];
    }

    long id() {
      return switch (random.nextInt(5)) {
        case 0 -> 0;
        case 1 -> 1;
        case 2 -> -1;
        case 3 -> Long.MIN_VALUE;
        default -> random.nextLong();
      };
    }

    long since() {
      return random.nextBoolean() ? 0 : id() & Long.MAX_VALUE;
    }

    ByteString bytes(int usual) {
      int size = random.nextInt(4) == 0 ? random.nextInt(100) : usual;
      byte[] b = new byte[size];
      random.nextBytes(b);
      return ByteString.copyOf(b);
    }

    /** A message of a random type; fields its constructor refuses are drawn again. */
    ClientMessage message() {
      for (int attempt = 0; attempt < 20; attempt++) {
        try {
          return anyMessage();
        } catch (IllegalArgumentException e) {
          // a value out of range for that message: draw again
        }
      }
      return new ClientMessage.Rooms();
    }

    private ClientMessage anyMessage() {
      return switch (random.nextInt(19)) {
        case 0 -> new ClientMessage.Join(name());
        case 1 -> new ClientMessage.Say(id(), room(), text());
        case 2 -> new ClientMessage.Dm(id(), name(), text());
        case 3 -> new ClientMessage.Who(room());
        case 4 -> new ClientMessage.Ping(id());
        case 5 -> new ClientMessage.Enter(room(), since(), random.nextBoolean());
        case 6 -> new ClientMessage.Part(room(), text());
        case 7 -> new ClientMessage.Me(id(), room(), text());
        case 8 -> new ClientMessage.Nick(name());
        case 9 -> new ClientMessage.Topic(room(), text());
        case 10 -> new ClientMessage.Away(text());
        case 11 -> new ClientMessage.Rooms();
        case 12 -> new ClientMessage.BatchOk();
        case 13 -> new ClientMessage.ClientAuth(bytes(32), bytes(64));
        case 14 -> new ClientMessage.E2eKey(new E2eKey(bytes(32), bytes(32), id(), id(),
            bytes(64)));
        case 15 -> new ClientMessage.E2eKeysGet(name());
        case 16 -> new ClientMessage.SealedDm(id(), name(), new SealedDm(id(), bytes(32),
            bytes(random.nextInt(200))));
        case 17 -> new ClientMessage.E2eSay(id(), room(), new RoomMessage(id(), id(),
            bytes(random.nextInt(200)), bytes(64)));
        default -> new ClientMessage.SignedHead(new SignedHead(room(), id(), bytes(32),
            bytes(32), bytes(64)));
      };
    }

    /** A random message's encoding, or random bytes where it cannot be encoded. */
    byte[] encodable() {
      return encodable(message());
    }

    /** The encoding of {@code message}, or random bytes where it cannot be encoded. */
    byte[] encodable(ClientMessage message) {
      try {
        return MessageCodec.encode(message);
      } catch (IllegalArgumentException e) { // a field too long for its length prefix
        return randomPayload();
      }
    }

    byte[] randomPayload() {
      byte[] b = new byte[random.nextInt(300)];
      random.nextBytes(b);
      if (b.length > 0 && random.nextBoolean()) { // a known type, then garbage
        b[0] = (byte) (random.nextBoolean() ? 0x10 + random.nextInt(13) : 0x40 + random.nextInt(8));
      }
      return b;
    }

    /** {@code valid} changed a little. */
    byte[] mutate(byte[] valid) {
      byte[] out = valid.clone();
      switch (random.nextInt(4)) {
        case 0 -> { // flip some bytes
          for (int i = 0; i < 1 + random.nextInt(4) && out.length > 0; i++) {
            out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 1 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length + 1));
        case 2 -> { // bytes left over after the last field
          out = java.util.Arrays.copyOf(out, out.length + 1 + random.nextInt(8));
        }
        default -> { // a length prefix at an edge
          if (out.length > 3) {
            int at = 1 + random.nextInt(out.length - 2);
            out[at] = (byte) 0xFF;
            out[at + 1] = (byte) 0xFF;
          }
        }
      }
      return out;
    }

    private String randomString(int length) {
      StringBuilder s = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        int kind = random.nextInt(10);
        if (kind < 6) {
          s.append((char) ('a' + random.nextInt(26)));
        } else if (kind < 8) {
          s.append((char) random.nextInt(0x20)); // control characters
        } else {
          int cp = 0x80 + random.nextInt(0x10FFFF - 0x80);
          s.appendCodePoint(cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp); // no lone surrogates
        }
      }
      return s.toString();
    }
  }

  /** A log line's kind: its words up to the first colon, digit or quote. */
  private static String kind(ILoggingEvent e) {
    String m = e.getFormattedMessage();
    int end = 0;
    while (end < m.length() && end < 60 && ":'\"0123456789(".indexOf(m.charAt(end)) < 0) {
      end++;
    }
    return e.getLevel() + " " + m.substring(0, end).strip();
  }
}
