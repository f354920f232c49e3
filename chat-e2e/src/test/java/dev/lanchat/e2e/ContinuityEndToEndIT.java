package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's "nothing lost" through the real launchers: a client whose connection is cut
 * reconnects by itself and shows what it missed exactly once, in the room's order (piped, and on
 * a terminal with the half-typed line intact); and a server killed with SIGKILL under the
 * traffic of ten clients and restarted on the same port and store loses no acknowledged message.
 */
@Timeout(300)
class ContinuityEndToEndIT {
  /** Room for a reconnect: one or two backoff steps after the server or link is back. */
  private static final Duration BACK_WITHIN = Duration.ofSeconds(90);
  private static final String[] NO_RATE_LIMIT = {"--rate", "0"};

  @TempDir
  Path dir;

  @Test
  void aCutPipedClientReconnectsByItselfAndShowsEveryMissedMessageOnceInRoomOrder()
      throws Exception {
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      Launched bob = lan.client(server.port(), "bob");
      bob.awaitOut("as bob");
      try (CutLink link = CutLink.to(server.port())) {
        Launched alice = lan.client(link.port(), "alice");
        alice.awaitOut("as alice");
        bob.type("before-1");
        alice.awaitOut("<bob> before-1");

        link.cut();
        bob.type("during-1"); // its frame to alice meets the cut
        link.awaitReset();
        for (int i = 2; i <= 10; i++) {
          bob.type("during-" + i);
        }
        alice.type("queued-while-down"); // piped lines typed meanwhile are sent once back
        bob.awaitOut("<bob> during-10"); // the room has them all; alice has none of 2..10
        link.restore();

        alice.awaitOut(l -> l.contains("<bob> during-10"), "the catch-up", BACK_WITHIN);
        bob.awaitOut(l -> l.contains("<alice> queued-while-down"), "the queued line",
            BACK_WITHIN);
        bob.type("after-1");
        alice.awaitOut("<bob> after-1");

        alice.endInput();
        assertEquals(0, alice.awaitExit(), alice.transcript());
        bob.endInput();
        assertEquals(0, bob.awaitExit(), bob.transcript());
        assertTrue(link.connections() >= 2, "alice came back through a new connection");

        List<Said> room = Said.all(bob.stdout(), ContinuityEndToEndIT::ofThisTest);
        assertEquals(13, room.size(), bob.transcript());
        assertEquals(room, Said.all(alice.stdout(), ContinuityEndToEndIT::ofThisTest),
            "alice shows every message once, in the room's order\n" + alice.transcript());
      }
    }
  }

  private static boolean ofThisTest(String text) {
    return text.matches("(before|during|after)-\\d+|queued-while-down");
  }

  @Test
  void aCutClientOnATerminalKeepsTheHalfTypedLineAndShowsTheMissedMessagesOnce()
      throws Exception {
    assumeTrue(OnTerminal.available(), "needs util-linux script for a pseudo-terminal");
    try (Lan lan = new Lan(dir)) {
      Lan.Server server = lan.server();
      Launched bob = lan.client(server.port(), "bob");
      bob.awaitOut("as bob");
      try (CutLink link = CutLink.to(server.port())) {
        OnTerminal alice = lan.terminalClient(link.port(), "alice");
        int at = alice.await("as alice", 0);
        alice.awaitPrompt();
        bob.type("before-1");
        at = alice.await("<bob> before-1", at);
        alice.type("half typ");
        at = alice.await("half typ", at);

        link.cut();
        bob.type("during-1");
        link.awaitReset();
        for (int i = 2; i <= 5; i++) {
          bob.type("during-" + i);
        }
        bob.awaitOut("<bob> during-5");
        link.restore();
        at = alice.await("<bob> during-5", at, BACK_WITHIN);
        // the line being edited is drawn again under what arrived, as it was
        alice.await("> half typ", at);

        alice.type("ed line\r");
        alice.await("<alice> half typed line", at);
        bob.awaitOut("<alice> half typed line");
        for (int i = 1; i <= 5; i++) {
          assertEquals(1, alice.count("<bob> during-" + i), "during-" + i + " shown once\n"
              + alice.transcript());
        }
        assertEquals(1, alice.count("<bob> before-1"), alice.transcript());
        bob.endInput();
        assertEquals(0, bob.awaitExit(), bob.transcript());
      }
    }
  }

  @Test
  void afterASigkillUnderTrafficEveryClientGetsEveryAcknowledgedMessageOnceInOneOrder()
      throws Exception {
    int clients = 10;
    try (Lan lan = new Lan(dir)) {
      // no per-client rate limit: eleven JVMs on a small CI machine stall in bursts, and a line
      // refused as over the limit (exit 5) would say nothing about crash durability
      Lan.Server first = lan.server(0, Launched.Limits.NONE, NO_RATE_LIMIT);
      int port = first.port();
      List<Launched> people = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        people.add(lan.client(port, person(i)));
      }
      for (int i = 0; i < clients; i++) {
        people.get(i).awaitOut("as " + person(i));
      }
      List<String> all = new ArrayList<>();

      // a first round, acknowledged: every client has shown every line
      List<String> acknowledged = typeRound(people, "a", 5);
      all.addAll(acknowledged);
      for (Launched p : people) {
        p.awaitAllOut(acknowledged, Launched.WAIT);
      }
      // a second round, in flight when the server dies
      all.addAll(typeRound(people, "b", 10));
      people.getFirst().awaitOut(l -> l.contains("-b1"), "traffic of the second round");
      first.process().killJvm();

      all.addAll(typeRound(people, "o", 3)); // typed during the outage
      // the same identity, store and port
      Lan.Server second = lan.server(port, Launched.Limits.NONE, NO_RATE_LIMIT);
      assertEquals(port, second.port());

      for (Launched p : people) {
        p.awaitAllOut(all, BACK_WITHIN);
      }
      for (Launched p : people) {
        p.endInput();
      }
      List<Said> order = null;
      for (int i = 0; i < clients; i++) {
        Launched p = people.get(i);
        assertEquals(0, p.awaitExit(), "every line confirmed\n" + p.transcript());
        List<Said> shown = Said.all(p.stdout(), text -> text.matches("c\\d\\d-[abo]\\d+"));
        // as many as were typed, and every one of them (all distinct): each exactly once
        assertEquals(all.size(), shown.size(), "each message once\n" + p.transcript());
        Set<String> texts = new HashSet<>(shown.stream().map(Said::shown).toList());
        assertEquals(new HashSet<>(all), texts, "every message\n" + p.transcript());
        if (order == null) {
          order = shown;
        } else {
          assertEquals(order, shown, person(i) + " shows the room in the same order as "
              + person(0));
        }
      }
      assertEquals(0, second.stop(), second.process().transcript());
    }
  }

  private static String person(int i) {
    return String.format("c%02d", i);
  }

  /**
   * Each person types {@code lines} lines {@code cNN-<round><j>}; returns them all as shown,
   * {@code <cNN> cNN-<round><j>}.
   */
  private static List<String> typeRound(List<Launched> people, String round, int lines)
      throws Exception {
    List<String> typed = new ArrayList<>();
    for (int j = 1; j <= lines; j++) {
      for (int i = 0; i < people.size(); i++) {
        String text = person(i) + "-" + round + j;
        people.get(i).type(text);
        typed.add("<" + person(i) + "> " + text);
      }
    }
    return typed;
  }
}
