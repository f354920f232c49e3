package dev.lanchat.client;

import dev.lanchat.common.message.ClientMessage;

/** What a line the user typed for the end-to-end layer became: a sealed message, or a refusal. */
sealed interface Sealing {
  /** Send this sealed message. */
  record Send(ClientMessage message) implements Sealing {}

  /** Not sent; {@code why} is terminal-safe and says what to do. */
  record Refused(String why) implements Sealing {}
}
