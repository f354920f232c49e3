package dev.lanchat.common.message;

import java.util.Objects;

/**
 * One member of a room as ROSTER lists it (protocol §4.3): {@code member ‖ away: str}.
 *
 * @param member the member's name and key
 * @param away the member's away text, empty when not away
 */
public record RosterEntry(Member member, String away) {
  public RosterEntry {
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(away, "away");
  }

  /** A member who is not away. */
  public RosterEntry(Member member) {
    this(member, "");
  }
}
