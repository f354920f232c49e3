package dev.lanchat.server;

import java.util.Objects;

/**
 * The chat a session talks to, server-wide: who is logged in ({@link Lobby}), the rooms
 * ({@link Rooms}) and the request handlers over them. One per server; every connection's
 * {@link SessionRules} hands its messages here.
 *
 * @param info what every WELCOME says
 * @param lobby who is logged in under which name
 * @param rooms the rooms with members
 * @param dms direct messages, live and waiting
 * @param keys the end-to-end key directory
 */
record Chat(RoomInfo info, Lobby lobby, Rooms rooms, DirectMessages dms, E2eKeyRequests keys) {
  Chat {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(lobby, "lobby");
    Objects.requireNonNull(rooms, "rooms");
    Objects.requireNonNull(dms, "dms");
  }

  /** The room requests of this chat. */
  RoomRequests roomRequests() {
    return new RoomRequests(rooms);
  }

  /** NICK over this chat. */
  Renames renames() {
    return new Renames(lobby, rooms);
  }

  /**
   * {@code member} ends its session: it leaves every room it is in (one LEFT each, with {@code
   * reason} and {@code message}) and its name is free.
   */
  void logout(Member member, String reason, String message) {
    rooms.leaveAll(member, reason, message);
    lobby.logout(member);
  }
}
