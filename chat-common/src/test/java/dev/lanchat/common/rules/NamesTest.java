package dev.lanchat.common.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The name rules of protocol §5. */
class NamesTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "7", "alice", "Bob_2", "x-y.z", "a_", "0day",
      "abcdefghijklmnopqrstuvwx"})
  void validNames(String name) {
    assertTrue(Names.isValid(name), name);
    assertTrue(Names.problem(name).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "_alice", "-a", ".a", "abcdefghijklmnopqrstuvwxy", "al ice", "alice!",
      "bob@home", "josé", "Ａlice", "аlice", "a\u200Bb", "a\u0000", "a/b", "a:b", "ali\tce"})
  void invalidNames(String name) {
    assertFalse(Names.isValid(name), name);
    assertTrue(Names.problem(name).isPresent());
  }

  @Test
  void nullIsNotAName() {
    assertFalse(Names.isValid(null));
  }

  @Test
  void aliceBlocksAliceA1iceAndAlIce() {
    String alice = Names.skeleton("Alice");
    for (String lookalike : new String[] {"alice", "ALICE", "A1ice", "alIce", "a1IcE", "AIice"}) {
      assertEquals(alice, Names.skeleton(lookalike), lookalike);
    }
    assertNotEquals(alice, Names.skeleton("Alicia"));
    assertNotEquals(alice, Names.skeleton("Alice2"));
  }

  @Test
  void skeletonReadsZeroAsOAndOneAndIAsL() {
    assertEquals("bob", Names.skeleton("B0B"));
    assertEquals("lll", Names.skeleton("1iI"));
    assertEquals("lll", Names.skeleton("lLl"));
    assertEquals("_-.", Names.skeleton("_-."));
    assertEquals("oo7", Names.skeleton("0O7"));
  }
}
