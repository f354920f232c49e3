package dev.lanchat.server;

import dev.lanchat.common.rules.Names;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server-wide table of names in use: one holder per {@link Names#skeleton}, so no two
 * clients hold names that look alike, whichever room they are in.
 *
 * <p>Each claim names an owner (a room member today, a client key later); only that owner can
 * release or rename the name, so a late release can never free a name someone else holds now.
 *
 * <p>Thread-safe. Its lock is a leaf: it is taken briefly, inside a room's lock, and never calls
 * out, so rooms sharing one registry cannot deadlock on it.
 */
final class NameRegistry {
  /** The outcome of {@link #claim} and {@link #rename}. */
  sealed interface Claim {
    /** The name is now held by the claimant. */
    record Claimed() implements Claim {}

    /** Someone else holds a name with the same skeleton; {@code holder} is how they spell it. */
    record Taken(String holder) implements Claim {}
  }

  private record Holding(String name, Object owner) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Holding> bySkeleton = new HashMap<>();

  /** Claims {@code name} (already valid) for {@code owner} unless its skeleton is held. */
  Claim claim(String name, Object owner) {
    Objects.requireNonNull(owner, "owner");
    lock.lock();
    try {
      Holding held = bySkeleton.putIfAbsent(Names.skeleton(name), new Holding(name, owner));
      return held == null ? new Claim.Claimed() : new Claim.Taken(held.name());
    } finally {
      lock.unlock();
    }
  }

  /** Frees {@code name} if {@code owner} holds it; otherwise does nothing. */
  void release(String name, Object owner) {
    lock.lock();
    try {
      String skeleton = Names.skeleton(name);
      Holding held = bySkeleton.get(skeleton);
      if (held != null && held.owner() == owner) {
        bySkeleton.remove(skeleton);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves {@code owner} from {@code from} to {@code to} in one step: either the new name is
   * claimed and the old one freed, or nothing changes.
   */
  Claim rename(String from, String to, Object owner) {
    lock.lock();
    try {
      Holding held = bySkeleton.get(Names.skeleton(to));
      if (held != null && held.owner() != owner) {
        return new Claim.Taken(held.name());
      }
      release(from, owner);
      bySkeleton.put(Names.skeleton(to), new Holding(to, owner));
      return new Claim.Claimed();
    } finally {
      lock.unlock();
    }
  }

  /** The name as its holder spells it, if a name with the skeleton of {@code name} is held. */
  java.util.Optional<String> holder(String name) {
    lock.lock();
    try {
      return java.util.Optional.ofNullable(bySkeleton.get(Names.skeleton(name)))
          .map(Holding::name);
    } finally {
      lock.unlock();
    }
  }
}
