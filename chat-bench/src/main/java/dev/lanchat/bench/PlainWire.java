package dev.lanchat.bench;

import dev.lanchat.common.message.ServerMessage;
import java.util.List;

/**
 * The few messages of the chat protocol the yardstick and the load client build for a plaintext
 * session, in one place, so a change of the wire is adapted here.
 */
final class PlainWire {
  private PlainWire() {}

  /** The WELCOME the yardstick answers a JOIN with: no limits, no members listed. */
  static ServerMessage.Welcome welcome(String name) {
    return new ServerMessage.Welcome(name, "plain yardstick", "", 0, 0, List.of());
  }
}
