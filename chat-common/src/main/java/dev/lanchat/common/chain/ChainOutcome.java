package dev.lanchat.common.chain;

/**
 * What {@link RoomChain#accept} made of one event. Anything but {@link Extended} and {@link
 * Started} is a break that the client shows as a warning naming the room; a break is
 * reported, never repaired.
 */
public sealed interface ChainOutcome {
  /** The room the event belongs to. */
  String room();

  /** True for the outcomes that must be shown to the user as a warning. */
  default boolean isBreak() {
    return switch (this) {
      case Extended e -> false;
      case Started s -> false;
      case Gap g -> true;
      case OutOfOrder o -> true;
      case Mismatch m -> true;
      case NotJoined n -> true;
    };
  }

  /**
   * The event follows the previous one and hashes to the head the server sent with it (or,
   * for a room's first event, to the head chained on the genesis head).
   *
   * @param head the room's head now
   */
  record Extended(ChainHead head) implements ChainOutcome {
    @Override
    public String room() {
      return head.room();
    }
  }

  /**
   * The first event this client sees of a room whose history began before it (a new member's
   * context, or a catch-up after the server left earlier events out and said how many): the
   * chain starts at the head the server sent, and history before it is not checked.
   *
   * @param head the room's head now
   * @param reason why the chain starts here
   */
  record Started(ChainHead head, Reason reason) implements ChainOutcome {
    /** Why a chain starts at an event other than the room's first. */
    public enum Reason {
      /** The first event of this room the client has seen. */
      FIRST_SEEN,
      /** The event after a run the server announced it left out ({@link RoomChain#expectSkip}). */
      AFTER_SKIP
    }

    @Override
    public String room() {
      return head.room();
    }
  }

  /**
   * Events {@code expected} to {@code got - 1} never arrived. The chain goes on from the head
   * the server sent with event {@code got}, since the missing events cannot be hashed.
   *
   * @param room the room
   * @param expected the id that should have come next
   * @param got the id that came
   * @param head the room's head now
   */
  record Gap(String room, long expected, long got, ChainHead head) implements ChainOutcome {}

  /**
   * An event whose id is at or below one already chained: a repeat or a reordering. It is not
   * chained.
   *
   * @param room the room
   * @param expected the id that should have come next
   * @param got the id that came
   */
  record OutOfOrder(String room, long expected, long got) implements ChainOutcome {}

  /**
   * The event does not hash to the head the server sent with it: this client was shown
   * something other than what the server chained. The chain goes on from the server's head,
   * so that later events are checked again and one lie is warned about once.
   *
   * @param room the room
   * @param id the event's id
   * @param head the room's head now
   */
  record Mismatch(String room, long id, ChainHead head) implements ChainOutcome {}

  /**
   * An event for a room this client has not joined; it is not chained.
   *
   * @param room the room
   * @param id the event's id
   */
  record NotJoined(String room, long id) implements ChainOutcome {}
}
