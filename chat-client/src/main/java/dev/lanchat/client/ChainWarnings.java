package dev.lanchat.client;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainOutcome;
import dev.lanchat.common.chain.HeadComparison;
import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.common.rules.TerminalText;
import java.util.Optional;

/**
 * The warning lines of the room chain (issue 18): one per break of a room's chain and one per
 * signed head that disagrees with ours or does not verify. Each names the room, and a signed
 * head's warning names both members ("you" and the signer). Every name from the network is
 * made terminal-safe here; room names passed the room-name rule when they were parsed.
 *
 * <p>Stateless.
 */
final class ChainWarnings {
  /** Words every chain warning starts with, so a script can grep for them. */
  static final String CHAIN = "! WARNING: the room chain of ";

  /** Words every signed-head warning starts with. */
  static final String SIGNED = "! WARNING: a signed head of ";

  private ChainWarnings() {}

  /** The warning for a break of the chain, or empty for an outcome that is not one. */
  static Optional<String> of(ChainOutcome outcome) {
    String room = outcome.room();
    return switch (outcome) {
      case ChainOutcome.Extended e -> Optional.empty();
      case ChainOutcome.Started s -> Optional.empty();
      // an event of a room we are not in is a late one after our PART, not a lie about a room
      case ChainOutcome.NotJoined n -> Optional.empty();
      case ChainOutcome.Gap g -> Optional.of(CHAIN + room + " broke: "
          + (g.got() - g.expected() == 1 ? "event " + g.expected() + " never arrived"
              : "events " + g.expected() + " to " + (g.got() - 1) + " never arrived")
          + " (the server sent event " + g.got() + " next); it left something out for you");
      case ChainOutcome.OutOfOrder o -> Optional.of(CHAIN + room + " broke: event " + o.got()
          + " came again or out of order (event " + o.expected() + " was next)");
      case ChainOutcome.Mismatch m -> Optional.of(CHAIN + room + " broke at event " + m.id()
          + ": it does not hash to the head the server sent with it; you were shown something"
          + " other than what the server recorded");
    };
  }

  /**
   * The warning for a member's signed head, or empty when it agrees or cannot be compared.
   *
   * @param signer the signer's name as this client knows it, if it does
   */
  static Optional<String> of(HeadComparison comparison, Optional<String> signer) {
    String who = who(comparison.signer(), signer);
    String at = comparison.room() + " at event " + comparison.id();
    return switch (comparison) {
      case HeadComparison.Agrees a -> Optional.empty();
      case HeadComparison.Unknown u -> Optional.empty();
      case HeadComparison.Disagrees d -> Optional.of(SIGNED + at + " from " + who
          + " differs from yours: the server showed you and " + who
          + " different histories of " + comparison.room());
      case HeadComparison.BadSignature b -> Optional.of(SIGNED + at + " claiming to be from "
          + who + " does not verify: someone between you and " + who
          + " (most likely the server) made or changed it");
    };
  }

  /** The warning for a signed head whose signer is not the key pinned for its name. */
  static String unpinned(String room, long id, String name, ByteString signer) {
    String safe = TerminalText.render(name);
    return SIGNED + room + " at event " + id + " comes from " + safe + " with the key "
        + Fingerprint.of(signer) + ", not the key you pinned for " + safe;
  }

  private static String who(ByteString key, Optional<String> name) {
    return name.map(TerminalText::render)
        .orElseGet(() -> "an unknown member (" + Fingerprint.of(key) + ")");
  }
}
