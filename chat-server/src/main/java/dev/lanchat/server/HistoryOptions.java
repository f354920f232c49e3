package dev.lanchat.server;

import dev.lanchat.server.store.Retention;
import picocli.CommandLine.Option;

/**
 * The retention options, {@code --history N} and {@code --history-days D}, as a picocli mixin
 * for {@link ServerCommand} ({@code @Mixin HistoryOptions history;}), read as a {@link
 * Retention}.
 */
public final class HistoryOptions {
  @Option(names = "--history", paramLabel = "N",
      description = "room events kept per room, for context and catch-up; 0 keeps no message "
          + "text on disk at all (default: ${DEFAULT-VALUE})")
  int events = Retention.DEFAULT_EVENTS;

  @Option(names = "--history-days", paramLabel = "D",
      description = "days kept: older events and waiting DMs are deleted; 0 means no age limit "
          + "(default: ${DEFAULT-VALUE})")
  int days;

  /**
   * The retention the options give.
   *
   * @throws ServerConfig.InvalidSetting with a sentence naming the option, if one is out of
   *     range; its setting is the field ({@code events} or {@code days}), so the command can
   *     say which file and key a bad value came from
   */
  public Retention retention() {
    if (days < 0) {
      throw new ServerConfig.InvalidSetting("days",
          "--history-days is 0 (no limit) or more, not " + days);
    }
    try {
      return Retention.of(events, days);
    } catch (IllegalArgumentException e) {
      throw new ServerConfig.InvalidSetting("events", e.getMessage());
    }
  }
}
