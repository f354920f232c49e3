package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The server-wide names: one holder per skeleton, and only the holder frees or renames. */
class NameRegistryTest {
  private final NameRegistry names = new NameRegistry();
  private final Object alice = new Object();
  private final Object mallory = new Object();

  @Test
  void aNameWithTheSameSkeletonIsTakenAndNamesItsHolder() {
    assertInstanceOf(NameRegistry.Claim.Claimed.class, names.claim("alice", alice));
    NameRegistry.Claim clash = names.claim("ALICE", mallory);
    assertEquals("alice", assertInstanceOf(NameRegistry.Claim.Taken.class, clash).holder());
  }

  @Test
  void onlyTheHolderCanReleaseAName() {
    names.claim("alice", alice);
    names.release("alice", mallory);
    assertEquals(Optional.of("alice"), names.holder("Alice"));
    names.release("alice", alice);
    assertEquals(Optional.empty(), names.holder("alice"));
    assertInstanceOf(NameRegistry.Claim.Claimed.class, names.claim("Alice", mallory));
  }

  @Test
  void renameMovesTheHolderOrChangesNothing() {
    names.claim("alice", alice);
    names.claim("bob", mallory);
    assertInstanceOf(NameRegistry.Claim.Taken.class, names.rename("alice", "BOB", alice));
    assertEquals(Optional.of("alice"), names.holder("alice"));
    assertInstanceOf(NameRegistry.Claim.Claimed.class, names.rename("alice", "al", alice));
    assertEquals(Optional.empty(), names.holder("alice"));
    assertEquals(Optional.of("al"), names.holder("AL"));
    assertInstanceOf(NameRegistry.Claim.Claimed.class, names.rename("al", "Al", alice),
        "a new spelling of one's own name");
    assertEquals(Optional.of("Al"), names.holder("al"));
  }
}
