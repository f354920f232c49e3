package dev.lanchat.server;

import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Texts;
import java.util.Optional;

/**
 * What the reader does after one client message: what {@link SessionRules} and the request
 * handlers it hands messages to ({@link RoomRequests}, {@link DirectMessages}, {@link Renames})
 * answer, so none of them touches the socket.
 */
sealed interface Outcome {
  /** Nothing more to do. */
  record Done() implements Outcome {}

  /** Send {@code message} to this client (an ERROR, PONG or ROOM_LIST). */
  record Reply(ServerMessage message) implements Outcome {}

  /** The client joined as {@code member}. */
  record JoinedAs(Member member) implements Outcome {}

  /** End the session from the server's side with {@code bye}. */
  record Close(ServerMessage.Bye bye) implements Outcome {}

  /** The client reads BATCH records (BATCH_OK, protocol §5.13): pack its queue from now on. */
  record AcceptBatches() implements Outcome {}

  /** The one {@link Done}. */
  Outcome DONE = new Done();

  /** The answer when the store could not keep an event: nothing was sent (protocol: 20). */
  Outcome STORE_FAILED = error(ErrorCode.STORE_FAILED,
      "the server could not store your message; try again");

  /** ERROR {@code code} with {@code text}. */
  static Outcome error(ErrorCode code, String text) {
    return new Reply(new ServerMessage.Error(code, text));
  }

  /** The ERROR for a SAY, ME or DM text that breaks the text rules, if it does. */
  static Optional<Outcome> textProblem(String text) {
    return switch (Texts.check(text)) {
      case OK -> Optional.empty();
      case TOO_LONG -> Optional.of(error(ErrorCode.TEXT_TOO_LONG, "a message has at most "
          + Texts.MAX_BYTES + " UTF-8 bytes; it was not delivered"));
      case INVALID -> Optional.of(error(ErrorCode.TEXT_INVALID,
          "a message must not be empty, blank or hold control or format characters other "
              + "than line feeds; it was not delivered"));
    };
  }

  /** The ERROR for a topic or away text that breaks the short-text rules, if it does. */
  static Optional<Outcome> shortTextProblem(String text, String what) {
    if (Texts.isValidShortText(text)) {
      return Optional.empty();
    }
    return Optional.of(Texts.check(text, Texts.MAX_SHORT_BYTES, Texts.Lines.ONE)
        == Texts.Verdict.TOO_LONG
        ? error(ErrorCode.TEXT_TOO_LONG, "a " + what + " has at most " + Texts.MAX_SHORT_BYTES
            + " UTF-8 bytes")
        : error(ErrorCode.TEXT_INVALID, "a " + what + " is one line without control or format "
            + "characters, and not only white space"));
  }

  /** ERROR NOT_IN_ROOM for {@code room}. */
  static Outcome notInRoom(String room) {
    return error(ErrorCode.NOT_IN_ROOM, "you are not in " + shown(room) + "; enter it first");
  }

  /** A room name from the client as an error text may show it: only when it is valid. */
  static String shown(String room) {
    return dev.lanchat.common.rules.RoomNames.isValid(room) ? room : "that room";
  }
}
