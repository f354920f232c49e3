package dev.lanchat.client;

import java.util.OptionalInt;

/**
 * A server as a person types it for {@code --host} or {@code --forget}: {@code HOST},
 * {@code HOST:PORT}, an IPv6 address in brackets with or without {@code :PORT}
 * ({@code [fe80::1]:5000}), or a bare IPv6 address (its colons are not a port).
 *
 * @param host the host name or address, without brackets
 * @param port the port, if the text gave one
 */
record ServerAddress(String host, OptionalInt port) {
  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong with it, as a user should read it
   */
  static ServerAddress parse(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("it is empty");
    }
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("an IPv6 address in brackets needs its closing ]");
      }
      String host = t.substring(1, close);
      String rest = t.substring(close + 1);
      if (host.isEmpty()) {
        throw new IllegalArgumentException("the brackets hold no address");
      }
      if (rest.isEmpty()) {
        return new ServerAddress(host, OptionalInt.empty());
      }
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException("after ] only :PORT may follow, not " + rest);
      }
      return new ServerAddress(host, OptionalInt.of(port(rest.substring(1))));
    }
    int colon = t.indexOf(':');
    if (colon < 0 || t.indexOf(':', colon + 1) >= 0) { // a name, or a bare IPv6 address
      return new ServerAddress(t, OptionalInt.empty());
    }
    if (colon == 0) {
      throw new IllegalArgumentException("the host is missing before :" + t.substring(1));
    }
    return new ServerAddress(t.substring(0, colon), OptionalInt.of(port(t.substring(colon + 1))));
  }

  private static int port(String text) {
    if (text.matches("[0-9]{1,5}")) {
      int p = Integer.parseInt(text);
      if (p >= 1 && p <= 65_535) {
        return p;
      }
    }
    throw new IllegalArgumentException("the port must be 1 to 65535, not " + text);
  }
}
