package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.rules.Texts;
import java.util.Optional;
import java.util.function.Function;

/**
 * The session rules of protocol §5 for one client: the message rate, JOIN once, nothing but
 * PING before JOIN, the text rules; what passes goes to the {@link Room}. It answers with an
 * {@link Outcome} and never touches the socket, so the reader decides what to send.
 *
 * <p>Not thread-safe: it belongs to the connection's reader thread (BYE is the reader's own).
 */
final class SessionRules {
  /** What the reader does after one message. */
  sealed interface Outcome {
    /** Nothing more to do. */
    record Done() implements Outcome {}

    /** Send {@code message} to this client (an ERROR or PONG). */
    record Reply(ServerMessage message) implements Outcome {}

    /** The client joined as {@code member}. */
    record JoinedAs(Member member) implements Outcome {}

    /** End the session from the server's side with {@code bye}. */
    record Close(ServerMessage.Bye bye) implements Outcome {}
  }

  private static final Outcome DONE = new Outcome.Done();
  /** The answer to a SAY the room budget refused: the sender knows it was not delivered. */
  static final ServerMessage ROOM_BUSY = new ServerMessage.Error(ErrorCode.RATE_LIMITED,
      "the room is busy: everyone together is sending more than the server carries;"
          + " this message was not delivered, send it again in a moment");
  /** Said to a join-code message where none is taken (protocol, "Join codes"). */
  static final ServerMessage.Bye NO_JOIN_CODES =
      new ServerMessage.Bye("protocol error: no join-code exchange is expected here");
  /** Said when the store cannot tell whose a name is: better no join than a wrong owner. */
  static final ServerMessage.Bye STORE_UNAVAILABLE =
      new ServerMessage.Bye("the server cannot read its name bindings now; try again later");

  private final Room room;
  private final Subscriber self;
  private final ByteString key;
  private final RateLimiter limiter;
  private final ServerMessage rateLimited;

  /**
   * @param room the room this client joins
   * @param self the client's subscriber, as the room will know it
   * @param key the key the client proved with CLIENT_AUTH
   * @param rate the client's sustained messages per second ({@code 0}: no limit)
   * @param burst the client's messages at once
   */
  SessionRules(Room room, Subscriber self, ByteString key, double rate, int burst) {
    this.room = room;
    this.self = self;
    this.key = key;
    this.limiter = new RateLimiter(rate, burst);
    this.rateLimited = new ServerMessage.Error(ErrorCode.RATE_LIMITED, "too many messages: at most "
        + perSecond(rate) + " a second (bursts of " + burst + "); this one was dropped");
  }

  /**
   * Applies one message (never BYE) from a client that has joined as {@code member}, or not yet.
   */
  Outcome handle(ClientMessage message, Optional<Member> member) {
    if (!limiter.tryAcquire()) {
      return new Outcome.Reply(rateLimited);
    }
    return switch (message) {
      case ClientMessage.Ping ping -> new Outcome.Reply(new ServerMessage.Pong(ping.token()));
      case ClientMessage.Join join -> member.isPresent()
          ? error(ErrorCode.ALREADY_JOINED, "you already joined as " + member.get().name())
          : join(join.name());
      case ClientMessage.Say say -> inRoom(member, say.room(), m -> say(m, say.text(), false));
      case ClientMessage.Me me -> inRoom(member, me.room(), m -> say(m, me.text(), true));
      case ClientMessage.Dm dm -> asMember(member, m -> dm(m, dm));
      case ClientMessage.Who who -> inRoom(member, who.room(), m -> {
        room.who(m);
        return DONE;
      });
      case ClientMessage.Enter enter -> asMember(member, m -> enter(m, enter.room()));
      case ClientMessage.Part part -> inRoom(member, part.room(), m -> {
        room.part(m, Texts.isValidShortText(part.message()) ? part.message() : "");
        return DONE;
      });
      case ClientMessage.Topic t -> inRoom(member, t.room(), m -> shortText(t.topic(), "a topic")
          .orElseGet(() -> {
            room.topic(m, t.topic());
            return DONE;
          }));
      case ClientMessage.Away a -> asMember(member, m -> shortText(a.text(), "an away text")
          .orElseGet(() -> {
            room.away(m, a.text());
            return DONE;
          }));
      case ClientMessage.Rooms r -> asMember(member, m -> {
        room.rooms(m);
        return DONE;
      });
      case ClientMessage.SignedHead h -> inRoom(member, h.head().room(), m -> {
        room.relay(m, h.head());
        return DONE;
      });
      case ClientMessage.Nick nick -> asMember(member, m -> error(ErrorCode.NAME_BOUND,
          "this server cannot rename yet: leave and join again as " + nick.name()));
      case ClientMessage.Bye bye -> throw new IllegalStateException("BYE is the reader's own");
      case ClientMessage.ClientAuth auth ->
          throw new IllegalStateException("CLIENT_AUTH is the link's own");
      case ClientMessage.JoinCode1 code -> new Outcome.Close(NO_JOIN_CODES);
      case ClientMessage.JoinCode2 code -> new Outcome.Close(NO_JOIN_CODES);
      case ClientMessage.JoinCodeConfirm code -> new Outcome.Close(NO_JOIN_CODES);
    };
  }

  private Outcome join(String name) {
    return switch (room.join(self, name, key)) {
      case JoinResult.Joined j -> new Outcome.JoinedAs(j.member());
      case JoinResult.NameInvalid n ->
          error(ErrorCode.NAME_INVALID, "that name cannot be used: " + n.problem());
      // "taken" only for the very name; a look-alike is told what it is too close to
      case JoinResult.NameTaken t -> error(ErrorCode.NAME_TAKEN, t.holder().equals(name)
          ? "the name " + name + " is taken"
          : "the name " + name + " is too close to " + t.holder() + ", which is taken");
      case JoinResult.NameBound b ->
          error(ErrorCode.NAME_BOUND, "the name " + name + " belongs to another key");
      case JoinResult.Unavailable u -> new Outcome.Close(STORE_UNAVAILABLE);
      case JoinResult.Closed c -> DONE;
    };
  }

  private Outcome say(Member m, String text, boolean action) {
    return textProblem(text).orElseGet(() -> (action ? room.act(m, text) : room.say(m, text))
        ? DONE : new Outcome.Reply(ROOM_BUSY));
  }

  private Outcome enter(Member m, String name) {
    if (!RoomNames.isValid(name)) {
      return error(ErrorCode.ROOM_INVALID,
          "a room name is # and 1 to 32 ASCII letters, digits, '_' or '-'");
    }
    if (!RoomNames.skeleton(name).equals(RoomNames.skeleton(Room.NAME))) {
      return error(ErrorCode.TOO_MANY_ROOMS,
          "this server has one room, " + Room.NAME + ", and no room for " + name);
    }
    return room.enter(m) ? DONE
        : error(ErrorCode.ALREADY_IN_ROOM, "you are in " + Room.NAME + " already");
  }

  /**
   * Runs {@code action} for a logged-in member that is in the room {@code name}; otherwise the
   * ERROR that says why not.
   */
  private Outcome inRoom(Optional<Member> member, String name,
      Function<Member, Outcome> action) {
    return asMember(member, m -> {
      if (!RoomNames.isValid(name)) {
        return error(ErrorCode.ROOM_INVALID,
            "a room name is # and 1 to 32 ASCII letters, digits, '_' or '-'");
      }
      if (!RoomNames.skeleton(name).equals(RoomNames.skeleton(Room.NAME)) || !room.isIn(m)) {
        return error(ErrorCode.NOT_IN_ROOM, "you are not in " + name);
      }
      return action.apply(m);
    });
  }

  /** The ERROR for a topic or away text that breaks the short-text rule, if it does. */
  private static Optional<Outcome> shortText(String text, String what) {
    if (Texts.isValidShortText(text)) {
      return Optional.empty();
    }
    return Optional.of(Texts.check(text, Texts.MAX_SHORT_BYTES, Texts.Lines.ONE)
        == Texts.Verdict.TOO_LONG
        ? error(ErrorCode.TEXT_TOO_LONG, what + " has at most " + Texts.MAX_SHORT_BYTES
            + " UTF-8 bytes")
        : error(ErrorCode.TEXT_INVALID, what + " is one line with no control or format"
            + " characters"));
  }

  private Outcome dm(Member m, ClientMessage.Dm dm) {
    return textProblem(dm.text()).orElseGet(() -> room.dm(m, dm.to(), dm.text())
        ? DONE : error(ErrorCode.NO_SUCH_USER, Names.isValid(dm.to())
            ? "no such user: " + dm.to() : "no such user (that is not a valid name)"));
  }

  /** {@code 10} for 10.0, {@code 2.5} for 2.5: how a person writes a rate. */
  static String perSecond(double rate) {
    return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
  }

  private static Outcome asMember(Optional<Member> member, Function<Member, Outcome> action) {
    return member.isPresent()
        ? action.apply(member.get())
        : error(ErrorCode.NOT_JOINED, "join first: send JOIN with a name");
  }

  private static Optional<Outcome> textProblem(String text) {
    return switch (Texts.check(text)) {
      case OK -> Optional.empty();
      case TOO_LONG -> Optional.of(error(ErrorCode.TEXT_TOO_LONG, "a message has at most "
          + Texts.MAX_BYTES + " UTF-8 bytes; it was not delivered"));
      case INVALID -> Optional.of(error(ErrorCode.TEXT_INVALID,
          "a message must not be empty, blank or hold control or format characters;"
              + " it was not delivered"));
    };
  }

  private static Outcome error(ErrorCode code, String text) {
    return new Outcome.Reply(new ServerMessage.Error(code, text));
  }
}
