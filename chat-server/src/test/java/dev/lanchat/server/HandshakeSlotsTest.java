package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The global cap on handshakes in progress: a new one displaces the oldest. */
class HandshakeSlotsTest {
  @Test
  void whenEverySlotIsHeldANewHandshakeDisplacesTheOldest() {
    HandshakeSlots slots = new HandshakeSlots(3);
    List<Integer> displaced = new ArrayList<>();
    List<HandshakeSlots.Slot> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      held.add(slots.enter(() -> displaced.add(n)));
    }
    assertEquals(List.of(), displaced);
    slots.enter(() -> displaced.add(3));
    assertEquals(List.of(0), displaced);
    assertEquals(3, slots.count());
    held.get(1).leave(); // finished its handshake: the slot is free, nobody is displaced
    slots.enter(() -> displaced.add(4));
    assertEquals(List.of(0), displaced);
    slots.enter(() -> displaced.add(5));
    assertEquals(List.of(0, 2), displaced, "the oldest still waiting goes next");
  }

  @Test
  void leavingTwiceOrAfterBeingDisplacedFreesNothingElse() {
    HandshakeSlots slots = new HandshakeSlots(2);
    HandshakeSlots.Slot first = slots.enter(() -> { });
    slots.enter(() -> { });
    slots.enter(() -> { }); // displaces first
    first.leave();
    first.leave();
    assertEquals(2, slots.count());
  }
}
