package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.rules.Names;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who is logged in, server-wide: JOIN claims a name for a key (protocol §5.1, checked over every
 * connected client, whatever rooms they are in), NICK moves it, and a member's end frees it. The
 * names are held in a {@link NameRegistry}; whose a name is across sessions is asked of a
 * {@link NameBinder} (the store).
 *
 * <p>Thread-safe. One lock orders every claim and rename, so two logins never see different
 * answers from the store between its check and its bind; the registry's lock is a leaf inside
 * it. Nothing is sent from here: the caller answers the client.
 */
final class Lobby {
  private final NameRegistry names;
  private final NameBinder binder;
  private final ReentrantLock lock = new ReentrantLock();
  /** Logged-in members by name skeleton: whom a DM goes to; read without the lock. */
  private final Map<String, Member> online = new ConcurrentHashMap<>();
  /** The same members in login order (lock held). */
  private final Set<Member> inOrder = new LinkedHashSet<>();
  private boolean closed;

  Lobby(NameRegistry names, NameBinder binder) {
    this.names = names;
    this.binder = binder;
  }

  /** A lobby whose names are bound to no store. */
  Lobby() {
    this(new NameRegistry(), NameBinder.NONE);
  }

  /**
   * Logs in {@code subscriber}, which proved {@code key}, as {@code name}, in the order of
   * protocol §5.1: not bound to another key, then not held by a connected client, then bound to
   * the key (moving the key's old binding). A refusal changes nothing.
   */
  JoinResult login(Subscriber subscriber, String name, ByteString key) {
    Optional<String> problem = Names.problem(name);
    if (problem.isPresent()) {
      return new JoinResult.NameInvalid(problem.get());
    }
    Member member = new Member(name, key, subscriber);
    lock.lock();
    try {
      if (closed) {
        return new JoinResult.Closed();
      }
      NameBinder.Verdict checked = binder.check(name, key);
      Optional<JoinResult> refused = refusal(checked);
      if (refused.isPresent()) {
        return refused.get();
      }
      if (names.claim(name, member) instanceof NameRegistry.Claim.Taken taken) {
        return new JoinResult.NameTaken(taken.holder());
      }
      // a key back under its own name within a minute has nothing to bind (issue 12)
      refused = checked instanceof NameBinder.Verdict.Recorded
          ? Optional.empty() : refusal(binder.bind(name, key));
      if (refused.isPresent()) { // an admin command reserved it meanwhile, or the store failed
        names.release(name, member);
        return refused.get();
      }
      inOrder.add(member); // reachable by DMs only once published, after its WELCOME
      return new JoinResult.Joined(member);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Renames {@code member} to {@code newName} with the checks of JOIN: the key's binding moves
   * (the old name is free) and the member carries the new name; or nothing changes. A new
   * spelling of the member's own name passes.
   */
  NickResult rename(Member member, String newName) {
    Optional<String> problem = Names.problem(newName);
    if (problem.isPresent()) {
      return new NickResult.NameInvalid(problem.get());
    }
    lock.lock();
    try {
      String old = member.name();
      switch (binder.check(newName, member.key())) {
        case NameBinder.Verdict.BoundToOther b -> {
          return new NickResult.NameBound();
        }
        case NameBinder.Verdict.Unavailable u -> {
          return new NickResult.Unavailable();
        }
        case NameBinder.Verdict.Yours y -> { }
        case NameBinder.Verdict.Recorded r -> { } // a new spelling of its own name: bind it
      }
      if (names.rename(old, newName, member) instanceof NameRegistry.Claim.Taken taken) {
        return new NickResult.NameTaken(taken.holder());
      }
      NameBinder.Verdict bound = binder.bind(newName, member.key());
      if (!(bound instanceof NameBinder.Verdict.Yours)) {
        names.rename(newName, old, member); // back: the old name is still the member's
        return bound instanceof NameBinder.Verdict.Unavailable
            ? new NickResult.Unavailable() : new NickResult.NameBound();
      }
      boolean published = online.remove(Names.skeleton(old), member);
      member.rename(newName);
      if (published) {
        online.put(member.skeleton(), member);
      }
      return new NickResult.Renamed(old);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes {@code member} (logged in, its WELCOME queued) reachable by DMs: before this, a DM to
   * its name waits in the store like one to someone offline, and is handed over after WELCOME,
   * so nothing ever reaches a client before its WELCOME.
   */
  void publish(Member member) {
    lock.lock();
    try {
      if (inOrder.contains(member)) {
        online.put(member.skeleton(), member);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The logged-in member whose name has the skeleton of {@code name}, if any. */
  Optional<Member> online(String name) {
    return Names.isValid(name)
        ? Optional.ofNullable(online.get(Names.skeleton(name))) : Optional.empty();
  }

  /** The names of everyone logged in, in login order. */
  List<String> names() {
    lock.lock();
    try {
      return inOrder.stream().map(Member::name).toList();
    } finally {
      lock.unlock();
    }
  }

  /** Frees {@code member}'s name; does nothing if it logged out before. */
  void logout(Member member) {
    lock.lock();
    try {
      if (inOrder.remove(member)) {
        online.remove(member.skeleton(), member);
        names.release(member.name(), member);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes the lobby for a server shutdown: no more logins; every member is forgotten.
   *
   * @return the members that were logged in
   */
  List<Member> close() {
    lock.lock();
    try {
      closed = true;
      List<Member> all = new ArrayList<>(online.values());
      for (Member m : all) {
        names.release(m.name(), m);
      }
      online.clear();
      inOrder.clear();
      return all;
    } finally {
      lock.unlock();
    }
  }

  private static Optional<JoinResult> refusal(NameBinder.Verdict verdict) {
    return switch (verdict) {
      case NameBinder.Verdict.Yours y -> Optional.empty();
      case NameBinder.Verdict.Recorded r -> Optional.empty();
      case NameBinder.Verdict.BoundToOther o -> Optional.of(new JoinResult.NameBound());
      case NameBinder.Verdict.Unavailable u -> Optional.of(new JoinResult.Unavailable());
    };
  }
}
