package dev.lanchat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.message.ClientMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutstandingTest {
  private static final ClientMessage ONE = new ClientMessage.Say(1, "#general", "one");
  private static final ClientMessage TWO = new ClientMessage.Me(2, "#general", "two");
  private static final ClientMessage WHO = new ClientMessage.Who("#general");

  @Test
  void aWrittenLineStaysUntilAPingWrittenAfterItIsAnswered() {
    Outstanding o = new Outstanding();
    o.add(ONE, true);
    o.written(ONE);
    o.written(new ClientMessage.Ping(7));
    o.add(TWO, true);
    o.written(TWO);
    assertEquals(2, o.size());
    o.confirmed(8); // a PONG nobody pinged for confirms nothing
    assertEquals(2, o.size());
    o.confirmed(7);
    assertEquals(1, o.size(), "the PING came before TWO: only ONE is confirmed");
    o.newSession();
    assertEquals(List.of(TWO), o.toHandOver());
  }

  @Test
  void afterADropEverythingUnconfirmedIsHandedOverInOrderOnce() {
    Outstanding o = new Outstanding();
    o.add(ONE, true);
    o.written(ONE);
    o.add(WHO, true); // handed, never written: the session died with it queued
    o.add(TWO, false); // typed while disconnected
    o.newSession();
    assertEquals(List.of(ONE, WHO, TWO), o.toHandOver());
    assertEquals(List.of(), o.toHandOver(), "handed over once");
  }

  @Test
  void aMessageWithoutAnIdIsForgottenOnceWrittenSoItIsNeverSentTwice() {
    Outstanding o = new Outstanding();
    o.add(WHO, true);
    o.written(WHO);
    assertEquals(0, o.size());
    assertFalse(o.awaitsConfirmation());
  }

  @Test
  void anOlderPongIsCoveredByANewerOne() {
    Outstanding o = new Outstanding();
    o.add(ONE, true);
    o.written(ONE);
    o.written(new ClientMessage.Ping(1));
    o.add(TWO, true);
    o.written(TWO);
    o.written(new ClientMessage.Ping(2));
    assertTrue(o.awaitsConfirmation());
    o.confirmed(2);
    assertEquals(0, o.size());
    o.confirmed(1); // late, and harmless
    assertEquals(0, o.size());
  }

  @Test
  void aServerThatNeverAnswersCannotMakeItGrowWithoutEnd() {
    Outstanding o = new Outstanding();
    for (int i = 0; i < Outstanding.CAPACITY + 10; i++) {
      ClientMessage m = new ClientMessage.Dm(i + 1, "bob", "line " + i);
      o.add(m, true);
      o.written(m);
    }
    assertEquals(Outstanding.CAPACITY, o.size());
  }

  @Test
  void onlyTheUsersOwnMessagesCountAsUnconfirmed() {
    Outstanding o = new Outstanding();
    o.add(ONE, false);
    o.add(new ClientMessage.Enter("#general", 0), false);
    o.add(new ClientMessage.Who("#general"), false);
    assertEquals(1, o.size(), "an ENTER or WHO the program queued is not a message of the user's");
    assertEquals(3, o.toHandOver().size(), "yet all three are handed to the next session");
  }
}
