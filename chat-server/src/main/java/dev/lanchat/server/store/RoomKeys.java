package dev.lanchat.server.store;

import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.rules.Names;

/**
 * The key a room's rows are filed under: {@code #} and the {@linkplain Names#skeleton skeleton}
 * of the rest of its name, so "#Dev" and "#dev" are one room in the store as on the wire.
 */
public final class RoomKeys {
  /** Longest room key: a room name's length. */
  public static final int MAX_LENGTH = RoomNames.MAX_LENGTH;

  private RoomKeys() {}

  /**
   * The key of the room named {@code room}.
   *
   * @throws IllegalArgumentException when {@code room} is not a valid room name
   */
  public static String key(String room) {
    return "#" + Names.skeleton(RoomNames.check(room).substring(1));
  }
}
