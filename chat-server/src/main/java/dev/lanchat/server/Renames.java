package dev.lanchat.server;

import dev.lanchat.common.message.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NICK (protocol "NICK"): the checks of JOIN, then the key's binding moves to the new name (the
 * old one is free) and every room the member is in gets RENAMED, the member included.
 *
 * <p>Thread-safe (it holds no state of its own).
 */
final class Renames {
  private static final Logger log = LoggerFactory.getLogger(Renames.class);

  private final Lobby lobby;
  private final Rooms rooms;

  Renames(Lobby lobby, Rooms rooms) {
    this.lobby = lobby;
    this.rooms = rooms;
  }

  /** Renames {@code m} to {@code name}, or says why not. */
  Outcome rename(Member m, String name) {
    return switch (lobby.rename(m, name)) {
      case NickResult.Renamed r -> announce(m, r.old());
      case NickResult.NameInvalid n ->
          Outcome.error(ErrorCode.NAME_INVALID, "that name cannot be used: " + n.problem());
      case NickResult.NameTaken t -> Outcome.error(ErrorCode.NAME_TAKEN, t.holder().equals(name)
          ? "the name " + name + " is taken"
          : "the name " + name + " is too close to " + t.holder() + ", which is taken");
      case NickResult.NameBound b ->
          Outcome.error(ErrorCode.NAME_BOUND, "the name " + name + " belongs to another key");
      case NickResult.Unavailable u -> Outcome.error(ErrorCode.STORE_FAILED,
          "the server cannot read or write its name bindings now; your name did not change");
    };
  }

  private Outcome announce(Member m, String old) {
    log.info("rename {} to {}", old, m.name());
    boolean stored = true;
    for (Room room : rooms.of(m)) {
      stored &= !(room.renamed(m, old) instanceof RoomResult.StoreFailed);
    }
    return stored ? Outcome.DONE : Outcome.error(ErrorCode.STORE_FAILED, "you are called "
        + m.name() + " now, but the server could not store the rename in every room, so some "
        + "were not told");
  }
}
