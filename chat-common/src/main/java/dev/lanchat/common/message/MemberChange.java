package dev.lanchat.common.message;

import java.util.Objects;

/**
 * One change to a room's membership inside a MEMBERS_CHANGED (protocol §4.3, {@code change}):
 * a member joined, or a name left with a reason and a parting line.
 */
public sealed interface MemberChange {
  /** Wire tag of {@link Joined}. */
  int JOINED = 0x01;
  /** Wire tag of {@link Left}. */
  int LEFT = 0x02;

  /** {@code member} joined. */
  record Joined(Member member) implements MemberChange {
    public Joined {
      Objects.requireNonNull(member, "member");
    }
  }

  /** {@code name} left for {@code reason} (empty after BYE) with {@code message} (empty: none). */
  record Left(String name, String reason, String message) implements MemberChange {
    public Left {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
