package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.message.DmStatus;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.RoomSummary;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that, once the client has joined, sends whatever it likes: events of rooms the client
 * is not in, ids that go back or repeat, rosters without ENTERED, LEFT for strangers, member
 * changes for nobody, odd errors and DMs, and mutated or random record contents. The rule: the
 * client prints all of it safely or ends the session with a sentence, never an "unexpected
 * error", a stack trace or a raw control character, and exits with one of its documented codes.
 *
 * <p>A seeded loop: the seed is printed, and {@code -Dlanchat.random-server.seed=S} runs one
 * again.
 */
@Timeout(240)
class RandomServerMessagesTest {
  private static final int ROUNDS = Integer.getInteger("lanchat.random-server.rounds", 60);
  private static final int MESSAGES_PER_ROUND = 80;
  private static final Set<Integer> EXIT_CODES = Set.of(ExitCode.OK, ExitCode.CONNECTION,
      ExitCode.NOT_JOINED, ExitCode.LINE_FAILED);

  @TempDir
  Path home;

  @Test
  void whateverTheServerSendsTheClientEndsWithASentenceAndPrintsNothingRaw() throws Exception {
    String given = System.getProperty("lanchat.random-server.seed");
    long seed = given != null ? Long.parseLong(given) : new SecureRandom().nextLong();
    System.out.println("RandomServerMessagesTest seed " + seed);
    for (int round = 0; round < ROUNDS; round++) {
      Random random = new Random(seed + round);
      String where = "seed " + seed + ", round " + round;
      try (FakeServer server = new FakeServer()) {
        ClientRun client = ClientRun.aliceAgainst(server, home.resolve("round-" + round));
        try (FakeServer.Peer peer = server.accept()) {
          peer.welcome("", "bob");
          // every other round only well-formed messages, which the client must take one by one
          // rather than end at the first malformed one
          Messages messages = new Messages(random, round % 2 == 0);
          for (int i = 0; i < MESSAGES_PER_ROUND; i++) {
            try {
              peer.sendRaw(messages.next());
            } catch (IOException e) {
              break; // the client ended the session: that is its answer to much of this
            }
          }
        } // the server hangs up: the client, reconnecting never, exits
        int exit = client.exitCode();
        String err = client.err();
        assertTrue(EXIT_CODES.contains(exit), "exit code " + exit + " (" + where + ")\n" + err);
        assertFalse(err.contains("unexpected") || err.contains("Exception")
            || err.contains("interrupted") || err.contains("\tat "),
            "a crash, or words from inside the program (" + where + "):\n" + err);
        HostileServerTest.assertSafe(client.out());
        HostileServerTest.assertSafe(err);
      }
    }
  }

  /** Server messages a client would seldom or never get from an honest server. */
  private static final class Messages {
    private static final String[] ROOMS = {"#general", "#general", "#dev", "#nowhere"};
    private static final String[] NAMES = {"alice", "bob", "carol", "eve"};
    private static final String[] TEXTS = {"", "hi", HostileServerTest.EVIL, "x".repeat(5000),
        "line\nbreak", "😀"};
    private final Random random;
    private final boolean wellFormedOnly;

    Messages(Random random, boolean wellFormedOnly) {
      this.random = random;
      this.wellFormedOnly = wellFormedOnly;
    }

    byte[] next() {
      int pick = wellFormedOnly ? 0 : random.nextInt(10);
      if (pick < 7) {
        return encodable();
      }
      if (pick < 9) {
        return mutate(encodable());
      }
      byte[] b = new byte[random.nextInt(200)];
      random.nextBytes(b);
      if (b.length > 0) {
        b[0] = (byte) (0x20 + random.nextInt(0x20)); // a server message type, mostly
      }
      return b;
    }

    private byte[] encodable() {
      for (int attempt = 0; attempt < 20; attempt++) {
        try {
          return MessageCodec.encode(message());
        } catch (IllegalArgumentException e) {
          // a value its constructor or the codec refuses: draw again
        }
      }
      return MessageCodec.encode(new ServerMessage.Pong(1));
    }

    private ServerMessage message() {
      return switch (random.nextInt(14)) {
        case 0 -> new ServerMessage.Chat(header(), name(), text());
        case 1 -> new ServerMessage.Joined(header(), member());
        case 2 -> new ServerMessage.Left(header(), name(), text(), text());
        case 3 -> new ServerMessage.Action(header(), name(), text());
        case 4 -> new ServerMessage.Renamed(header(), name(), name());
        case 5 -> new ServerMessage.Topic(header(), name(), text());
        case 6 -> new ServerMessage.Dm(random.nextLong(), name(), name(), text(),
            DmStatus.values()[random.nextInt(DmStatus.values().length)], text());
        case 7 -> new ServerMessage.Roster(room(), random.nextBoolean(),
            List.of(new RosterEntry(member(), text()), new RosterEntry(member())));
        case 8 -> new ServerMessage.Entered(room(), text(), random.nextInt(5),
            random.nextInt(3), random.nextInt(3), random.nextBoolean());
        case 9 -> new ServerMessage.RoomList(List.of(new RoomSummary(room(), random.nextInt(9),
            text(), random.nextBoolean())));
        case 10 -> new ServerMessage.Pong(random.nextLong());
        case 11 -> new ServerMessage.Error(random.nextInt(0x10000), text());
        case 12 -> new ServerMessage.MembersChanged(room(), id(), bytes(32), random.nextLong(),
            List.of(new MemberChange.Joined(member()),
                new MemberChange.Left(bytes(32), name(), text(), text())));
        default -> new ServerMessage.Bye(text());
      };
    }

    private EventHeader header() {
      return new EventHeader(room(), id(), bytes(32), random.nextLong() & Long.MAX_VALUE,
          bytes(32));
    }

    private long id() {
      return random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 1 + (random.nextLong() >>> 2);
    }

    private Member member() {
      String name = name();
      return random.nextBoolean() ? FakeServer.member(name) : new Member(name, bytes(32));
    }

    private String room() {
      return ROOMS[random.nextInt(ROOMS.length)];
    }

    private String name() {
      return NAMES[random.nextInt(NAMES.length)];
    }

    private String text() {
      return TEXTS[random.nextInt(TEXTS.length)];
    }

    private ByteString bytes(int size) {
      byte[] b = new byte[size];
      random.nextBytes(b);
      return ByteString.copyOf(b);
    }

    private byte[] mutate(byte[] valid) {
      byte[] out = valid.clone();
      switch (random.nextInt(3)) {
        case 0 -> {
          for (int i = 0; i < 1 + random.nextInt(4) && out.length > 1; i++) {
            out[1 + random.nextInt(out.length - 1)] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 1 -> out = Arrays.copyOf(out, random.nextInt(out.length + 1));
        default -> out = Arrays.copyOf(out, out.length + 1 + random.nextInt(8));
      }
      return out;
    }
  }
}
