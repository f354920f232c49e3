package dev.lanchat.server;

import java.util.Objects;

/**
 * What every WELCOME tells a joining client about this server (protocol §4.3): its name, the
 * message of the day, the client's message limit as the wire carries it, and how many rooms it
 * may be in.
 *
 * @param server the server's configured name
 * @param motd the message of the day ({@code ""} for none)
 * @param rate sustained messages a second per client, in thousandths ({@code 0}: no limit)
 * @param burst messages a client may send at once
 * @param maxRooms rooms a client may be in at once ({@code --max-rooms-per-client})
 */
record RoomInfo(String server, String motd, long rate, long burst, int maxRooms) {
  RoomInfo {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(motd, "motd");
    if (rate < 0 || burst < 0) {
      throw new IllegalArgumentException("rate and burst are 0 or more");
    }
  }

  /** The WELCOME fields of {@code config}; the rate is rounded to thousandths of a message. */
  static RoomInfo of(ServerConfig config) {
    return new RoomInfo(config.name(), config.motd(), Math.round(config.rate() * 1000),
        config.burst(), config.maxRoomsPerClient());
  }
}
