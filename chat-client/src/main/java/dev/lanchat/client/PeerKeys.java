package dev.lanchat.client;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import dev.lanchat.common.rules.TerminalText;
import dev.lanchat.common.trust.KnownPeers;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys of the members of our rooms, as the server names them (JOINED, ROSTER, RENAMED):
 * answers {@code /whois}, and checks each name against the {@link KnownPeers} file for this
 * server. A new name is remembered silently; a known name that comes with another key is warned
 * about loudly, once a session, and the key remembered before is kept, because the server binds
 * names to keys (protocol §6.6) and such a change means it was reset or is not honest.
 *
 * <p>Thread-safe: the session's reader thread reports members while the input thread asks.
 */
final class PeerKeys {
  /** Most members kept for /whois: JOINED without LEFT from a hostile server must not grow us. */
  static final int MAX_MEMBERS = KnownPeers.MAX_PEERS_PER_SERVER;

  private final KnownPeers known;
  private final byte[] serverKey;
  private final Console console;
  /** Members here, by name skeleton. */
  private final Map<String, Member> here = new ConcurrentHashMap<>();
  /** Names warned about this session (by skeleton), with the key remembered for each. */
  private final Map<String, String> changed = new HashMap<>();
  private boolean writeFailed;

  /**
   * @param known the known-peers memory (owned by this client process)
   * @param serverKey the key of the server these members are on
   * @param console where warnings go, as problems ({@code !} lines, stderr when piped)
   */
  PeerKeys(KnownPeers known, byte[] serverKey, Console console) {
    this.known = Objects.requireNonNull(known, "known");
    this.serverKey = serverKey.clone();
    this.console = Objects.requireNonNull(console, "console");
  }

  /**
   * Follows the members' keys through JOINED, MEMBERS_CHANGED, ROSTER and RENAMED (whose key is
   * the event's sender); other messages are ignored. A member who leaves one room may still be
   * in another, so keys are kept; who is present is the rooms' business.
   */
  void received(ServerMessage message) {
    switch (message) {
      case ServerMessage.Joined joined -> arrived(joined.member());
      case ServerMessage.Roster roster -> roster.entries().forEach(e -> arrived(e.member()));
      case ServerMessage.MembersChanged changed -> changed.changes().forEach(change -> {
        if (change instanceof MemberChange.Joined j) {
          arrived(j.member());
        }
      });
      case ServerMessage.Renamed renamed -> {
        here.remove(Names.skeleton(renamed.oldName()));
        if (Names.isValid(renamed.newName())) {
          arrived(new Member(renamed.newName(), renamed.event().sender()));
        }
      }
      default -> { }
    }
  }

  /**
   * The line {@code /whois name} shows: the name as the server spells it and its fingerprint,
   * or that it is not here when {@code present} is false or its key is not known.
   */
  String whois(String name, boolean present) {
    Member member = here.get(Names.skeleton(name));
    if (member == null || !present) {
      return "* " + TerminalText.render(name) + " is not here";
    }
    String line = "* " + TerminalText.render(member.name()) + " has the key "
        + Fingerprint.of(member.key());
    String before;
    synchronized (this) {
      before = changed.get(Names.skeleton(name));
    }
    return before == null ? line : line + " (NOT the key it had before: " + before + ")";
  }

  /**
   * The identity pinned for {@code name} on this server: the one remembered, or {@code offered}
   * (the owner of an end-to-end key the server handed out) pinned now when the name was never
   * seen, the same first-use rule as for a roster. Empty when the name breaks the name rules.
   */
  synchronized Optional<ByteString> pinned(String name, ByteString offered) {
    if (!Names.isValid(name)) {
      return Optional.empty();
    }
    byte[] key = offered.toByteArray();
    return Optional.of(switch (known.check(serverKey, name, key)) {
      case KnownPeers.Check.Same same -> offered;
      case KnownPeers.Check.New fresh -> {
        remember(name, key);
        yield offered;
      }
      case KnownPeers.Check.Changed change -> change.oldKey();
    });
  }

  private void arrived(Member member) {
    if (!Names.isValid(member.name())) {
      return; // the server broke the name rules; it is shown as text, but not pinned
    }
    String skeleton = Names.skeleton(member.name());
    if (here.size() < MAX_MEMBERS || here.containsKey(skeleton)) {
      here.put(skeleton, member);
    }
    check(member);
  }

  private synchronized void check(Member member) {
    byte[] key = member.key().toByteArray();
    switch (known.check(serverKey, member.name(), key)) {
      case KnownPeers.Check.Same same -> { }
      case KnownPeers.Check.New fresh -> remember(member.name(), key);
      case KnownPeers.Check.Changed change -> {
        if (changed.putIfAbsent(Names.skeleton(member.name()), change.oldFingerprint()) == null) {
          warn(TerminalText.render(member.name()), change);
        }
      }
    }
  }

  private void remember(String name, byte[] key) {
    try {
      known.remember(serverKey, name, key);
    } catch (IOException e) {
      if (!writeFailed) {
        writeFailed = true;
        console.problem("! cannot write the known-peers file " + known.file() + " ("
            + e.getClass().getSimpleName() + "); members' keys are not remembered this time");
      }
    }
  }

  private void warn(String name, KnownPeers.Check.Changed change) {
    console.problem("! WARNING: " + name + " has another key on this server than before");
    console.problem("!   the key you knew: " + change.oldFingerprint());
    console.problem("!   the key now:      " + change.newFingerprint());
    console.problem("! The server binds each name to one key, so either the server was reset "
        + "(it lost its names) or it is not honest (someone may pose as " + name + ").");
    console.problem("! Check with " + name + " in person. If the server was reset, remove "
        + name + "'s line for this server from " + known.file() + ".");
  }
}
