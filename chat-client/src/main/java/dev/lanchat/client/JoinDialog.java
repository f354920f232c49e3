package dev.lanchat.client;

import dev.lanchat.client.session.JoinResult;
import dev.lanchat.client.session.Session;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.pake.JoinCode;

/**
 * The join dialog of one session: JOIN as a name, and after a refusal ask for another name or a
 * join code at a terminal, or say why not and pick the exit code. Kept apart from
 * {@link ChatProgram}, which decides what the dialog's answer leads to.
 */
final class JoinDialog {
  /** Where the join dialog left us. */
  sealed interface Joining {
    /** In the room. */
    record Entered(ServerMessage.Welcome welcome) implements Joining {}

    /** The server gave up while the user answered: connect again and join as {@code name}. */
    record Again(String name) implements Joining {}

    /** Not allowed, but the person typed a join code: connect again with it, as {@code name}. */
    record WithCode(String name, JoinCode code) implements Joining {}

    /** Not joining: exit with {@code exitCode} (the user has been told why). */
    record Exit(int exitCode) implements Joining {}
  }

  private final Console console;
  private final EventFormat format;
  private final NamePrompt names;
  private final RoomView room;
  private final Refusals refusals;

  JoinDialog(Console console, EventFormat format, NamePrompt names, RoomView room,
      Refusals refusals) {
    this.console = console;
    this.format = format;
    this.names = names;
    this.room = room;
    this.refusals = refusals;
  }

  /** Joins as {@code first}; after a name error, asks for another when interactive. */
  Joining join(Session session, String first, boolean askedPerson) {
    String name = first;
    boolean asked = askedPerson;
    while (true) {
      switch (session.join(name)) {
        case JoinResult.Joined joined -> {
          return new Joining.Entered(joined.welcome());
        }
        case JoinResult.Refused refused -> {
          console.problem(format.error(refused.error()));
          if (offersCode(refused.error())) {
            return offerCode(refused.error(), name);
          }
          if (!EventFormat.isNameProblem(refused.error()) || !console.interactive()) {
            return new Joining.Exit(refusals.explain(refused.error(), name));
          }
          switch (names.usable(null)) {
            case NamePrompt.Answer.Named named -> name = named.name();
            case NamePrompt.Answer.None none -> {
              return new Joining.Exit(ExitCode.CANCELLED);
            }
            case NamePrompt.Answer.Unreadable unreadable -> {
              return new Joining.Exit(fail(ExitCode.CONNECTION,
                  "! cannot read input: " + unreadable.why()));
            }
          }
          asked = true;
        }
        case JoinResult.ServerBye bye -> {
          if (asked) {
            // its handshake deadline passed while a person answered: the person never sees it
            return new Joining.Again(name);
          }
          room.show(bye.bye());
          return new Joining.Exit(ExitCode.NOT_JOINED);
        }
        case JoinResult.Closed closed -> {
          return asked ? new Joining.Again(name) : new Joining.Exit(fail(ExitCode.CONNECTION,
              "! connection lost: the server closed the connection before we joined"));
        }
        case JoinResult.Failed failed -> {
          return new Joining.Exit(fail(ExitCode.of(failed.problem()),
              "! " + failed.problem().message()));
        }
      }
    }
  }

  /** True when a person could type a join code instead (NOT_ALLOWED, at a terminal). */
  private boolean offersCode(ServerMessage.Error error) {
    return console.interactive()
        && error.errorCode().orElse(null) == ErrorCode.NOT_ALLOWED;
  }

  /** Explains NOT_ALLOWED, then offers to type a join code and connect again with it. */
  private Joining offerCode(ServerMessage.Error error, String name) {
    int exit = refusals.explain(error, name);
    return new JoinCodePrompt(console).ask()
        .<Joining>map(code -> new Joining.WithCode(name, code))
        .orElse(new Joining.Exit(exit));
  }

  private int fail(int exitCode, String message) {
    console.problem(message);
    return exitCode;
  }
}
