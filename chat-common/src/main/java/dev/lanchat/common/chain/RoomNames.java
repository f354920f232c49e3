package dev.lanchat.common.chain;

/**
 * The room-name rule the chain relies on (issue 11): {@code #} and 1 to 32 ASCII letters,
 * digits, {@code _} or {@code -}. The chain checks it itself because the name is hashed and
 * shown in the {@code /verify} line, so nothing else (control characters, non-ASCII) may reach
 * either.
 */
public final class RoomNames {
  /** Longest room name in characters, the {@code #} included. */
  public static final int MAX_LENGTH = 33;

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
}
