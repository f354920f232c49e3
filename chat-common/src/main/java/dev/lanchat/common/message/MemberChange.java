package dev.lanchat.common.message;

import dev.lanchat.common.bytes.ByteString;
import java.util.Objects;

/**
 * One change to a room's membership inside a MEMBERS_CHANGED (protocol §4.3, {@code change}):
 * a member entered, or a member (key and name) left with a reason and a parting line.
 */
public sealed interface MemberChange {
  /** Wire tag of {@link Joined}. */
  int JOINED = 0x01;
  /** Wire tag of {@link Left}. */
  int LEFT = 0x02;

  /** The key of the member the change is about: the sender of its room event. */
  ByteString key();

  /** {@code member} entered the room. */
  record Joined(Member member) implements MemberChange {
    public Joined {
      Objects.requireNonNull(member, "member");
    }

    @Override
    public ByteString key() {
      return member.key();
    }
  }

  /**
   * The member with {@code key} and {@code name} left for {@code reason} (empty after BYE) with
   * {@code message} (empty: none).
   */
  record Left(ByteString key, String name, String reason, String message)
      implements MemberChange {
    public Left {
      if (key.size() != Member.KEY_SIZE) {
        throw new IllegalArgumentException("a member's key is 32 bytes, not " + key.size());
      }
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
