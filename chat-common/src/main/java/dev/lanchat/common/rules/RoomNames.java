package dev.lanchat.common.rules;

/**
 * The room-name rule (protocol §5.2): {@code #} and 1 to 32 ASCII letters, digits, {@code _} or
 * {@code -}; two room names clash when their {@linkplain #skeleton skeletons} are equal. The
 * codec, the chain and the server all check names here, because a room name is hashed, signed
 * and shown, so nothing else (control characters, non-ASCII) may reach any of them.
 */
public final class RoomNames {
  /** Longest room name in characters, the {@code #} included. */
  public static final int MAX_LENGTH = 33;

  /** The room every client of ours enters first. */
  public static final String GENERAL = "#general";

  private RoomNames() {}

  /** True when {@code room} follows the rule. */
  public static boolean isValid(String room) {
    if (room == null || room.length() < 2 || room.length() > MAX_LENGTH
        || room.charAt(0) != '#') {
      return false;
    }
    for (int i = 1; i < room.length(); i++) {
      char c = room.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns {@code room} when it is valid.
   *
   * @throws IllegalArgumentException when it is not
   */
  public static String check(String room) {
    if (!isValid(room)) {
      throw new IllegalArgumentException(
          "a room name is # and 1 to 32 ASCII letters, digits, '_' or '-'");
    }
    return room;
  }

  /**
   * The form two valid room names are compared in: {@code #} and the {@linkplain
   * Names#skeleton name skeleton} of the rest, so "#Dev" and "#dev" are one room.
   */
  public static String skeleton(String room) {
    return "#" + Names.skeleton(check(room).substring(1));
  }
}
