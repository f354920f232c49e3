package dev.lanchat.client;

import dev.lanchat.client.session.ConversationEnd;
import dev.lanchat.client.session.Ending;
import dev.lanchat.client.session.Reconnector;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.TerminalText;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the user sees of a reconnect, and the exit code a conversation ends with: one line when
 * the connection is lost, one when it is back, and at the end why it stopped. Kept apart from
 * {@link ChatProgram}, which relays lines, so each reads as one job.
 *
 * <p>Thread-safe: lines go through the console, which serialises them.
 */
final class Reconnecting implements Reconnector.Events {
  private final Console console;
  private final EventFormat format;
  private final RoomView room;
  private final Refusals refusals;
  private final Optional<Duration> giveUpAfter;
  private final Consumer<ServerMessage> received;
  private final Consumer<String> log;

  /**
   * @param giveUpAfter how long a reconnect is tried (empty: until the user quits)
   * @param received shows one event (deduplicated by the reconnector)
   * @param log the chat log's notes (does nothing without {@code --log})
   */
  Reconnecting(Console console, EventFormat format, RoomView room, Refusals refusals,
      Optional<Duration> giveUpAfter, Consumer<ServerMessage> received, Consumer<String> log) {
    this.console = Objects.requireNonNull(console, "console");
    this.format = Objects.requireNonNull(format, "format");
    this.room = Objects.requireNonNull(room, "room");
    this.refusals = Objects.requireNonNull(refusals, "refusals");
    this.giveUpAfter = Objects.requireNonNull(giveUpAfter, "giveUpAfter");
    this.received = Objects.requireNonNull(received, "received");
    this.log = Objects.requireNonNull(log, "log");
  }

  @Override
  public void received(ServerMessage message) {
    // ENTERED's line says what a capped catch-up left out (NoticeFormat#entered)
    received.accept(message);
  }

  @Override
  public void lost(Ending how) {
    String why = switch (how) {
      case Ending.ServerBye bye -> {
        room.show(bye.bye());
        yield "the server closed the connection";
      }
      case Ending.Failed failed -> failed.why();
      case Ending.Left left -> "we left"; // never: leaving is not a loss
    };
    String line = "! " + why + "; reconnecting"
        + giveUpAfter.map(d -> " for up to " + d.toSeconds() + " s")
            .orElse(console.interactive() ? " (/quit or Ctrl-D to stop)" : "");
    console.problem(line);
    log.accept(line);
  }

  @Override
  public void reconnected(ServerMessage.Welcome welcome) {
    String line = "* reconnected as " + TerminalText.render(welcome.name());
    console.problem(line);
    log.accept(line);
  }

  /** Says how the conversation ended and returns the exit code ({@link ExitCode}). */
  int exitCode(ConversationEnd outcome, boolean failedLine, String name) {
    return switch (outcome) {
      case ConversationEnd.Left left -> failedLine ? ExitCode.LINE_FAILED : ExitCode.OK;
      case ConversationEnd.Quit quit -> {
        if (quit.unconfirmed() > 0) {
          console.problem("! " + quit.unconfirmed() + " of your messages may not have reached "
              + "the server");
        }
        yield ExitCode.OK;
      }
      case ConversationEnd.Lost lost -> lost(lost);
      case ConversationEnd.NotTrusted refused -> ExitCode.UNTRUSTED;
      case ConversationEnd.Failed failed -> {
        console.problem("! " + failed.problem().message());
        yield ExitCode.of(failed.problem());
      }
      case ConversationEnd.Refused refused -> {
        console.problem(format.error(refused.error()));
        yield refusals.explain(refused.error(), name);
      }
    };
  }

  private int lost(ConversationEnd.Lost lost) {
    if (lost.gaveUp()) {
      console.problem("! connection lost: not back within " + giveUpAfter.orElseThrow()
          .toSeconds() + " s (--reconnect-for)" + unconfirmed(lost.unconfirmed()));
      return ExitCode.CONNECTION;
    }
    switch (lost.how()) {
      case Ending.ServerBye bye -> room.show(bye.bye());
      case Ending.Failed failed -> console.problem("! " + failed.why()
          + unconfirmed(lost.unconfirmed()));
      case Ending.Left left -> { }
    }
    return ExitCode.CONNECTION;
  }

  private static String unconfirmed(int count) {
    return count == 0 ? "" : "; " + count + " of your messages were not confirmed by the server";
  }
}
