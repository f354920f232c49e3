package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MentionsTest {
  private final Mentions alice = new Mentions("alice");

  @Test
  void aWholeWordWithTheNamesSkeletonIsAMention() {
    assertTrue(alice.in("hi alice"));
    assertTrue(alice.in("ALICE: lunch?"));
    assertTrue(alice.in("thanks A1ice."), "the skeleton, and a sentence's full stop dropped");
    assertTrue(alice.in("(@alice)"));
    assertTrue(alice.in("first line\nsecond, alice"));
  }

  @Test
  void aNameInsideAnotherWordIsNotAMention() {
    assertFalse(alice.in("malice"));
    assertFalse(alice.in("alice2 is here"));
    assertFalse(alice.in("alice.b left"));
    assertFalse(alice.in("al ice"));
  }

  @Test
  void spansMarkEachMentionWithoutItsPunctuation() {
    assertEquals(List.of(new Mentions.Span(0, 5), new Mentions.Span(10, 15)),
        alice.spans("Alice and alice."));
  }
}
