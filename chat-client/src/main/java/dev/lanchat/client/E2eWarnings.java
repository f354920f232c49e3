package dev.lanchat.client;

import dev.lanchat.common.e2e.DmOutcome;
import dev.lanchat.common.e2e.E2eKey;
import dev.lanchat.common.e2e.E2eRoom;
import dev.lanchat.common.e2e.InstallOutcome;
import dev.lanchat.common.e2e.RoomOutcome;

/**
 * The lines the end-to-end layer shows when something does not check: each names the member
 * (and the room), says what was refused and who is the likely cause, in one line. Names and
 * rooms come from the network, so they are made terminal-safe here. Stateless.
 */
final class E2eWarnings {
  private E2eWarnings() {}

  /** A key for {@code name} refused by {@link E2eKey#check}. */
  static String key(String name, E2eKey.Check check) {
    String who = EventFormat.text(name);
    return switch (check) {
      case E2eKey.Check.WrongOwner w -> "! WARNING: the server handed out an end-to-end key for "
          + who + " that is not " + who + "'s (another identity than the one pinned for " + who
          + "): refused, nothing end-to-end goes to " + who;
      case E2eKey.Check.BadSignature b -> "! WARNING: the end-to-end key the server handed out"
          + " for " + who + " does not carry " + who + "'s signature: refused, nothing"
          + " end-to-end goes to " + who;
      case E2eKey.Check.Expired e -> "! " + who + "'s end-to-end key has expired (" + who
          + "'s client has not connected for two weeks): nothing end-to-end goes to " + who;
      case E2eKey.Check.Valid v -> "* " + who + "'s end-to-end key checks";
    };
  }

  /** Why a sealed DM said to come from {@code name} is not shown. */
  static String dm(String name, DmOutcome.Reason reason) {
    String who = EventFormat.text(name);
    return switch (reason) {
      case KEY_GONE -> "! a DM from " + who + " cannot be opened: it is sealed to an end-to-end"
          + " key this client no longer holds (older than three weeks, or not ours)";
      case DOES_NOT_OPEN, MALFORMED -> "! WARNING: a DM said to be from " + who + " does not"
          + " open: it was changed on the way or is not from " + who + "; not shown";
      case BAD_SIGNATURE -> "! WARNING: a DM said to be from " + who + " does not carry "
          + who + "'s signature; not shown";
      case REPLAYED_OR_REORDERED -> "! WARNING: a DM from " + who + " was refused: it repeats"
          + " or comes out of order (the server replayed or reordered it)";
    };
  }

  /** {@code missing} DMs from {@code name} never came. */
  static String dmGap(String name, long missing) {
    return "! WARNING: " + missing + (missing == 1 ? " DM" : " DMs") + " from "
        + EventFormat.text(name) + " went missing before the next one (the server dropped or"
        + " held back what " + EventFormat.text(name) + " sent)";
  }

  /** {@code missing} messages of {@code name} in {@code room} never came. */
  static String roomGap(String room, String name, long missing) {
    return "! WARNING: " + missing + (missing == 1 ? " message" : " messages") + " from "
        + EventFormat.text(name) + " in " + EventFormat.text(room) + " went missing before the"
        + " next one (the server dropped or held them back)";
  }

  /** Why a message of {@code name} in {@code room} is not shown (never BEFORE_JOINED). */
  static String room(String room, String name, RoomOutcome.Reason reason) {
    String who = EventFormat.text(name);
    String where = " in " + EventFormat.text(room);
    return switch (reason) {
      case REPLAYED_OR_REORDERED -> "! WARNING: a message from " + who + where + " was refused:"
          + " it repeats or comes out of order (the server replayed or reordered it)";
      case BAD_SIGNATURE -> "! WARNING: a message said to be from " + who + where
          + " does not carry " + who + "'s signature; not shown";
      case DOES_NOT_OPEN -> "! WARNING: a message from " + who + where + " does not open;"
          + " not shown";
      case TOO_FAR_AHEAD -> "! WARNING: a message from " + who + where + " is more than "
          + E2eRoom.MAX_SKIP + " ahead of the last one read; not shown";
      case NO_KEY, NOT_A_MEMBER, BEFORE_JOINED -> "! a message from " + who + where
          + " cannot be read: no key of " + who + "'s for it reached this client";
    };
  }

  /** Why a sender key from {@code name} was not taken. */
  static String install(String name, InstallOutcome.Reason reason) {
    String who = EventFormat.text(name);
    return switch (reason) {
      case STALE -> "! WARNING: " + who + " sent a room key older than one already held"
          + " (the server replayed it); ignored";
      case NOT_A_SENDER_KEY, MALFORMED -> "! a room key from " + who + " does not parse;"
          + " ignored";
      case OTHER_ROOM, NOT_A_MEMBER -> "! a room key from " + who + " is for a room where "
          + who + " is not a member this client knows of; ignored";
    };
  }

  /** The one line for the messages of {@code room} from before we joined. */
  static String beforeJoined(String room) {
    return "* " + EventFormat.text(room) + " is end-to-end: messages from before you joined"
        + " cannot be read";
  }
}
