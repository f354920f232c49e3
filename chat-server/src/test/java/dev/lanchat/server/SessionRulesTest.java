package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Texts;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Protocol §5, one rule per test, against a real server on loopback. */
@Timeout(60)
class SessionRulesTest {
  private ChatServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    server = TestServers.start();
    port = server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void joinGetsWelcomeWithCanonicalNameMotdAndEveryoneAndOthersGetJoined() throws Exception {
    try (TestClient alice = TestClient.connect(port); TestClient bob = TestClient.connect(port)) {
      alice.send(new ClientMessage.Join("Alice"));
      assertEquals(new ServerMessage.Welcome("Alice", "test server", "welcome to the test", 0, 1,
          ServerConfig.defaults().maxRoomsPerClient()), alice.await(ServerMessage.Welcome.class));
      alice.send(new ClientMessage.Enter("#general", 0));
      assertEquals(new ServerMessage.Entered("#general", "", 1, 0, 0),
          alice.await(ServerMessage.Entered.class));
      assertEquals(List.of(alice.as("Alice")), alice.await(ServerMessage.Roster.class).members());
      bob.send(new ClientMessage.Join("bob"));
      assertEquals(new ServerMessage.Welcome("bob", "test server", "welcome to the test", 0, 1,
          ServerConfig.defaults().maxRoomsPerClient()), bob.await(ServerMessage.Welcome.class));
      bob.sync();
      assertTrue(alice.log().stream().noneMatch(m -> m instanceof ServerMessage.Joined j
          && j.member().name().equals("bob")), "logged in is not in a room yet");
      bob.send(new ClientMessage.Enter("#general", 0));
      assertEquals(new ServerMessage.Entered("#general", "", 2, 1, 0),
          bob.await(ServerMessage.Entered.class), "alice's JOINED is its history");
      assertEquals(List.of(alice.as("Alice"), bob.as("bob")),
          bob.await(ServerMessage.Roster.class).members());
      ServerMessage.Joined joinedBob = (ServerMessage.Joined) alice.awaitMatching(
          m -> m instanceof ServerMessage.Joined j && j.member().name().equals("bob"),
          "JOINED bob");
      assertEquals(bob.as("bob"), joinedBob.member());
      assertEquals(alice.as("Alice"), bob.await(ServerMessage.Joined.class).member(),
          "the history: alice entered");
      assertEquals(bob.as("bob"), bob.await(ServerMessage.Joined.class).member(),
          "the entering member's first live event is its own JOINED");
    }
  }

  @Test
  void namesAreUniqueBySkeletonAndANameErrorAllowsAnotherJoin() throws Exception {
    // the same key on a second connection: another key would be told NAME_BOUND first (§5.1)
    try (TestClient alice = TestClient.join(port, "Alice");
        TestClient other = TestClient.connect(port, alice.identity())) {
      for (String lookalike : List.of("alice", "A1ice", "alIce", "ALICE", "a1lce")) {
        other.send(new ClientMessage.Join(lookalike));
        // "taken" only for the very name; a look-alike is told what it is too close to
        assertEquals("the name " + lookalike + " is too close to Alice, which is taken",
            other.awaitError(ErrorCode.NAME_TAKEN).text());
      }
      other.send(new ClientMessage.Join("Alice"));
      assertEquals("the name Alice is taken", other.awaitError(ErrorCode.NAME_TAKEN).text());
      other.send(new ClientMessage.Join("Alice2"));
      assertEquals("Alice2", other.await(ServerMessage.Welcome.class).name());
      other.send(new ClientMessage.Enter("#general", 0));
      assertEquals("Alice2", alice.await(ServerMessage.Joined.class).member().name());
    }
  }

  @Test
  void invalidNamesGetNameInvalid() throws Exception {
    try (TestClient client = TestClient.connect(port)) {
      for (String bad : List.of("", "_alice", "-a", ".a", "a b", "a".repeat(25), "é", "al/ce",
          "a\u0000")) {
        client.send(new ClientMessage.Join(bad));
        client.awaitError(ErrorCode.NAME_INVALID);
      }
      client.send(new ClientMessage.Join("a".repeat(24)));
      client.await(ServerMessage.Welcome.class);
    }
  }

  @Test
  void beforeWelcomeOnlyJoinPingAndByeAreAccepted() throws Exception {
    try (TestClient alice = TestClient.join(port, "alice"); TestClient client = TestClient.connect(port)) {
      client.send(TestClient.say("hello"));
      client.awaitError(ErrorCode.NOT_JOINED);
      client.send(TestClient.dm("alice", "hello"));
      client.awaitError(ErrorCode.NOT_JOINED);
      client.send(TestClient.who());
      client.awaitError(ErrorCode.NOT_JOINED);
      client.send(new ClientMessage.Ping(42));
      assertEquals(42, client.await(ServerMessage.Pong.class).token());
      alice.sync();
      assertTrue(alice.log().stream().noneMatch(m -> m instanceof ServerMessage.Chat
          || m instanceof ServerMessage.Dm), "nothing from a client that did not join is delivered");
      client.send(new ClientMessage.Bye());
      client.awaitClosed();
    }
  }

  @Test
  void aSecondJoinGetsAlreadyJoined() throws Exception {
    try (TestClient alice = TestClient.join(port, "alice")) {
      alice.send(new ClientMessage.Join("alice2"));
      alice.awaitError(ErrorCode.ALREADY_JOINED);
      alice.send(TestClient.who());
      assertEquals(List.of("alice"), TestClient.names(alice.await(ServerMessage.Roster.class).members()));
    }
  }

  @Test
  void sayBecomesOneMessageForEveryoneSenderIncluded() throws Exception {
    try (TestClient alice = TestClient.join(port, "Alice"); TestClient bob = TestClient.join(port, "bob")) {
      alice.send(TestClient.say("hello, \u00e9t\u00e9 \uD83D\uDC4B\u200D"));
      for (TestClient c : List.of(alice, bob)) {
        ServerMessage.Chat chat = c.await(ServerMessage.Chat.class);
        assertEquals("Alice", chat.from());
        assertEquals("hello, \u00e9t\u00e9 \uD83D\uDC4B\u200D", chat.text());
        assertTrue(chat.time() > 0);
      }
      alice.sync();
      assertEquals(1, alice.log().stream().filter(m -> m instanceof ServerMessage.Chat).count());
    }
  }

  @Test
  void invalidTextGetsTextInvalidOrTextTooLongAndNothingIsDelivered() throws Exception {
    try (TestClient alice = TestClient.join(port, "alice"); TestClient bob = TestClient.join(port, "bob")) {
      for (String bad : List.of("", " ", " \t ", "bell\u0007", "del\u007F", "c1\u0085",
          "bidi\u202Eevil", "zero\u200Bwidth", "bom\uFEFF", "line\u2028sep", "para\u2029sep",
          "tag\uDB40\uDC41", "isolate\u2066x")) {
        alice.send(TestClient.say(bad));
        alice.awaitError(ErrorCode.TEXT_INVALID);
        alice.send(TestClient.dm("bob", bad));
        alice.awaitError(ErrorCode.TEXT_INVALID);
      }
      alice.send(TestClient.say("x".repeat(4097)));
      alice.awaitError(ErrorCode.TEXT_TOO_LONG);
      alice.send(TestClient.say("\u00e9".repeat(2049)));
      alice.awaitError(ErrorCode.TEXT_TOO_LONG);
      alice.send(TestClient.dm("bob", "x".repeat(4097)));
      alice.awaitError(ErrorCode.TEXT_TOO_LONG);
      alice.send(TestClient.say("x".repeat(4096)));
      assertEquals("x".repeat(4096), bob.await(ServerMessage.Chat.class).text());
      bob.sync();
      assertEquals(1, bob.log().stream()
          .filter(m -> m instanceof ServerMessage.Chat || m instanceof ServerMessage.Dm).count(),
          "only the valid text was delivered");
    }
  }

  @Test
  void dmReachesTheSkeletonMatchAndIsEchoedWithCanonicalNames() throws Exception {
    try (TestClient alice = TestClient.join(port, "Alice"); TestClient bob = TestClient.join(port, "bob");
        TestClient carol = TestClient.join(port, "carol")) {
      alice.send(TestClient.dm("B0B", "psst"));
      ServerMessage.Dm received = bob.await(ServerMessage.Dm.class);
      assertEquals("Alice", received.from());
      assertEquals("bob", received.to());
      assertEquals("psst", received.text());
      assertEquals(received, alice.await(ServerMessage.Dm.class), "the echo is the same DM");
      carol.sync();
      assertFalse(carol.log().stream().anyMatch(m -> m instanceof ServerMessage.Dm));
    }
  }

  @Test
  void dmToAnUnknownNameGetsNoSuchUser() throws Exception {
    try (TestClient alice = TestClient.join(port, "alice")) {
      alice.send(TestClient.dm("nobody", "hello"));
      assertEquals("no such user: nobody", alice.awaitError(ErrorCode.NO_SUCH_USER).text());
      alice.send(TestClient.dm("not a name!", "hello"));
      alice.awaitError(ErrorCode.NO_SUCH_USER);
    }
  }

  @Test
  void whoGetsTheRosterInJoinOrder() throws Exception {
    try (TestClient alice = TestClient.join(port, "alice"); TestClient bob = TestClient.join(port, "Bob")) {
      bob.send(TestClient.who());
      assertEquals(List.of("alice", "Bob"), TestClient.names(bob.await(ServerMessage.Roster.class).members()));
      alice.send(TestClient.who());
      assertEquals(List.of("alice", "Bob"), TestClient.names(alice.await(ServerMessage.Roster.class).members()));
    }
  }

  @Test
  void pingGetsPongWithTheSameToken() throws Exception {
    try (TestClient alice = TestClient.join(port, "alice")) {
      alice.send(new ClientMessage.Ping(-1L));
      assertEquals(-1L, alice.await(ServerMessage.Pong.class).token());
      alice.send(new ClientMessage.Ping(0x0123456789ABCDEFL));
      assertEquals(0x0123456789ABCDEFL, alice.await(ServerMessage.Pong.class).token());
    }
  }

  @Test
  void byeGivesLeftWithAnEmptyReasonAndEndsTheConnection() throws Exception {
    try (TestClient alice = TestClient.join(port, "alice"); TestClient bob = TestClient.join(port, "bob")) {
      bob.send(new ClientMessage.Bye());
      assertEquals("", alice.awaitLeft("bob").reason());
      bob.awaitClosed();
      alice.send(TestClient.who());
      assertEquals(List.of("alice"), TestClient.names(alice.await(ServerMessage.Roster.class).members()));
    }
  }

  @Test
  void aClientsMessagesTakeEffectInTheOrderItSentThem() throws Exception {
    try (TestClient alice = TestClient.join(port, "alice");
        TestClient bob = TestClient.join(port, "bob");
        TestClient carol = TestClient.join(port, "carol");
        TestClient dave = TestClient.join(port, "dave")) {
      // carol and dave keep the room busy, so that bob's lines wait for it behind theirs
      List<Thread> noise = new java.util.ArrayList<>();
      for (TestClient busy : List.of(carol, dave)) {
        noise.add(Thread.ofVirtual().start(() -> {
          try {
            for (int i = 0; i < 400; i++) {
              busy.say(TestClient.GENERAL, "noise " + i);
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }));
      }
      // lines, then PART, sent without waiting: every line is in the room before bob leaves
      for (int i = 0; i < 3 * PendingLines.MOST_LINES; i++) {
        bob.say(TestClient.GENERAL, "line " + i);
      }
      bob.send(new ClientMessage.Part(TestClient.GENERAL, "gone"));
      for (int i = 0; i < 3 * PendingLines.MOST_LINES; i++) {
        assertEquals("line " + i, nextFromBob(alice));
      }
      assertEquals("parted", alice.awaitLeft("bob").reason());

      // a later message's ERROR and PONG come after the echo of the line before them
      bob.enter(TestClient.GENERAL);
      bob.say(TestClient.GENERAL, "fine");
      bob.send(new ClientMessage.Say(bob.nextId(), TestClient.GENERAL,
          "x".repeat(Texts.MAX_BYTES + 1)));
      bob.send(new ClientMessage.Ping(7));
      assertEquals("fine", nextFromBob(bob));
      bob.awaitError(ErrorCode.TEXT_TOO_LONG);
      assertEquals(7, bob.await(ServerMessage.Pong.class).token());
      assertEquals("fine", nextFromBob(alice));

      // a line sent right before BYE is kept and reaches the others before its sender's LEFT
      bob.say(TestClient.GENERAL, "last words");
      bob.send(new ClientMessage.Bye());
      assertEquals("last words", nextFromBob(alice));
      assertEquals("", alice.awaitLeft("bob").reason());
      for (Thread t : noise) {
        assertTrue(t.join(java.time.Duration.ofSeconds(30)));
      }
    }
  }

  /** The text of the next MESSAGE from bob, or of bob's LEFT if that comes first. */
  private static String nextFromBob(TestClient to) {
    ServerMessage m = to.awaitMatching(x -> x instanceof ServerMessage.Chat c
        && c.from().equals("bob") || x instanceof ServerMessage.Left l && l.name().equals("bob"),
        "bob's next MESSAGE");
    return m instanceof ServerMessage.Chat c ? c.text() : "LEFT " + ((ServerMessage.Left) m).reason();
  }

  @Test
  void aClosedSocketWithoutByeGivesLeftConnectionLost() throws Exception {
    try (TestClient alice = TestClient.join(port, "alice")) {
      TestClient bob = TestClient.join(port, "bob");
      bob.close();
      assertEquals("connection lost", alice.awaitLeft("bob").reason());
    }
  }

  @Test
  void anAbruptResetGivesExactlyOneLeft() throws Exception {
    try (TestClient alice = TestClient.join(port, "alice")) {
      TestClient bob = TestClient.join(port, "bob");
      bob.send(TestClient.say("about to vanish"));
      alice.await(ServerMessage.Chat.class);
      bob.reset();
      assertEquals("connection lost", alice.awaitLeft("bob").reason());
      // a later event proves everything about bob has arrived
      try (TestClient carol = TestClient.join(port, "carol")) {
        carol.send(TestClient.say("after"));
        alice.awaitMatching(m -> m instanceof ServerMessage.Chat c && c.text().equals("after"),
            "MESSAGE after");
      }
      assertEquals(1, alice.log().stream()
          .filter(m -> m instanceof ServerMessage.Left l && l.name().equals("bob")).count());
    }
  }

  @Test
  void aNameIsFreeAgainAfterItsOwnerLeft() throws Exception {
    try (TestClient alice = TestClient.join(port, "alice")) {
      TestClient bob = TestClient.join(port, "bob");
      bob.send(new ClientMessage.Bye());
      alice.awaitLeft("bob");
      try (TestClient bob2 = TestClient.join(port, "BOB", bob.identity())) {
        assertEquals("BOB", alice.await(ServerMessage.Joined.class).member().name());
        bob2.send(TestClient.who());
        assertEquals(List.of("alice", "BOB"), TestClient.names(bob2.await(ServerMessage.Roster.class).members()));
      }
    }
  }

  @Test
  void aProtocolErrorEndsOnlyThatConnectionWithLeftProtocolError() throws Exception {
    try (TestClient alice = TestClient.join(port, "alice"); TestClient mallory = TestClient.join(port, "mallory")) {
      // a well-framed record that does not open under k_c2s
      mallory.sendRaw(new byte[] {0, 0, 0, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
          16, 17, 18, 19, 20});
      assertEquals("protocol error", alice.awaitLeft("mallory").reason());
      mallory.awaitClosed();
      alice.send(TestClient.say("still here"));
      assertEquals("still here", alice.await(ServerMessage.Chat.class).text());
    }
  }

  @Test
  void serverShutdownSaysByeToEveryClient() throws Exception {
    TestClient alice = TestClient.join(port, "alice");
    TestClient waiting = TestClient.connect(port);
    server.close();
    assertEquals(ChatServer.SHUTDOWN_REASON, alice.await(ServerMessage.Bye.class).reason());
    assertEquals(ChatServer.SHUTDOWN_REASON, waiting.await(ServerMessage.Bye.class).reason());
    alice.awaitClosed();
    waiting.awaitClosed();
  }
}
