package dev.lanchat.server;

import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.rules.Texts;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's requests about rooms (protocol "Client → server"): ENTER, PART, WHO, SAY, ME,
 * E2E_SAY, TOPIC, AWAY, ROOMS and SIGNED_HEAD. Each is checked (room name, membership, text rules) and
 * handed to its {@link Room} through the {@link Rooms} registry; the answer is an
 * {@link Outcome}.
 *
 * <p>Thread-safe (it holds no state of its own).
 */
final class RoomRequests {
  private static final Logger log = LoggerFactory.getLogger(RoomRequests.class);

  private static final Outcome ROOM_BUSY = Outcome.error(ErrorCode.RATE_LIMITED,
      "the room is busy: everyone together is sending more than the server carries;"
          + " this message was not delivered, send it again in a moment");

  static final Outcome ROOM_INVALID = Outcome.error(ErrorCode.ROOM_INVALID,
      "a room name is # and 1 to 32 ASCII letters, digits, '_' or '-'");

  private final Rooms rooms;

  RoomRequests(Rooms rooms) {
    this.rooms = rooms;
  }

  /** ENTER: into the room, making it if needed (end-to-end when the flag asks and it is new). */
  Outcome enter(Member m, ClientMessage.Enter enter) {
    return switch (rooms.enter(m, enter.room(), enter.since(), enter.endToEnd())) {
      case Rooms.Entering.Entered e -> Outcome.DONE;
      case Rooms.Entering.Invalid i -> ROOM_INVALID;
      case Rooms.Entering.AlreadyIn a -> Outcome.error(ErrorCode.ALREADY_IN_ROOM,
          "you are in " + enter.room() + " already");
      case Rooms.Entering.TooMany t -> Outcome.error(ErrorCode.TOO_MANY_ROOMS, t.text());
      case Rooms.Entering.StoreFailed f -> Outcome.error(ErrorCode.STORE_FAILED,
          "the server could not read or write the room's history; try again");
      case Rooms.Entering.Closed c -> Outcome.DONE; // shutting down: BYE follows
      case Rooms.Entering.Mismatch x -> Outcome.error(ErrorCode.E2E_MISMATCH, x.text());
      case Rooms.Entering.KeyMissing k -> Outcome.error(ErrorCode.E2E_KEY_INVALID,
          Outcome.shown(enter.room()) + " is end-to-end: publish an end-to-end key first");
    };
  }

  /** PART: out of the room, with LEFT "parted" and the message (an invalid one as none). */
  Outcome part(Member m, ClientMessage.Part part) {
    String message = Texts.isValidShortText(part.message()) ? part.message() : "";
    return in(m, part.room(), room -> {
      room.leave(m, Room.PARTED, message);
      return Outcome.DONE;
    });
  }

  /** WHO: the room's ROSTER records. */
  Outcome who(Member m, String room) {
    return in(m, room, r -> answer(r.who(m)));
  }

  /**
   * SAY ({@code action} false) or ME; never in an end-to-end room, whose lines are sealed. A line
   * that passes the checks is handed to the room and counted in {@code pending} until the room
   * answers it; its ERROR, if it gets one, comes from the room.
   */
  Outcome say(Member m, long id, String room, String text, boolean action,
      PendingLines pending) {
    Optional<Outcome> problem = Outcome.textProblem(text);
    return problem.orElseGet(() -> in(m, room, r -> r.endToEnd()
        ? Outcome.error(ErrorCode.E2E_MISMATCH, r.name() + " is end-to-end: its lines go "
            + "encrypted (E2E_SAY); this one was not delivered")
        : handOver(pending, Texts.MAX_BYTES, // each counts as the longest a text may be
            reply -> r.say(m, id, text, action, reply))));
  }

  /** E2E_SAY: a sealed line, only in an end-to-end room; the server never opens it. */
  Outcome sealedSay(Member m, ClientMessage.E2eSay say, PendingLines pending) {
    return in(m, say.room(), r -> r.endToEnd()
        ? handOver(pending, say.message().encodedSize(),
            reply -> r.sealedSay(m, say.id(), say.message(), reply))
        : Outcome.error(ErrorCode.E2E_MISMATCH, r.name() + " is not end-to-end: its lines go "
            + "as SAY; this one was not delivered"));
  }

  /**
   * Hands a line of {@code bytes} to its room, counted in {@code pending} until the room has
   * answered it.
   */
  private static Outcome handOver(PendingLines pending, int bytes, Consumer<LineReply> line) {
    line.accept(new Answer(pending, pending.reserve(bytes)));
    return Outcome.DONE;
  }

  /** The sender's side of a line: its ERROR as {@link #answer} words it, then its places back. */
  private record Answer(PendingLines pending, int cost) implements LineReply {
    @Override
    public Optional<byte[]> errorFor(RoomResult result) {
      return answer(result) instanceof Outcome.Reply r
          ? Optional.of(MessageCodec.encode(r.message())) : Optional.empty();
    }

    @Override
    public void settled() {
      pending.settled(cost);
    }
  }

  /** TOPIC: sets or clears the room's topic. */
  Outcome topic(Member m, ClientMessage.Topic topic) {
    Optional<Outcome> problem = topic.topic().isEmpty() ? Optional.empty()
        : Outcome.shortTextProblem(topic.topic(), "topic");
    return problem.orElseGet(() -> in(m, topic.room(), r -> answer(r.topic(m, topic.topic()))));
  }

  /** AWAY: sets or clears the member's away text; no event, shows in ROSTER and on DMs. */
  Outcome away(Member m, String text) {
    Optional<Outcome> problem = text.isEmpty() ? Optional.empty()
        : Outcome.shortTextProblem(text, "away text");
    if (problem.isPresent()) {
      return problem.get();
    }
    m.away(text);
    rooms.of(m).forEach(Room::awayChanged);
    return Outcome.DONE;
  }

  /** ROOMS: ROOM_LIST. */
  Outcome list() {
    return new Outcome.Reply(new ServerMessage.RoomList(rooms.list()));
  }

  /** SIGNED_HEAD: relayed to the room's other members when the member signed it itself. */
  Outcome signedHead(Member m, ClientMessage.SignedHead signed) {
    if (!signed.head().signer().equals(m.key())) {
      log.debug("dropped a SIGNED_HEAD from {} signed by another key", m.name());
      return Outcome.DONE;
    }
    byte[] encoded = MessageCodec.encode(new ServerMessage.SignedHead(signed.head()));
    return in(m, signed.head().room(), r -> answer(r.relay(m, encoded)));
  }

  /** Runs {@code action} in the member's room; a name that is no room name is ROOM_INVALID. */
  private Outcome in(Member m, String room, Function<Room, Outcome> action) {
    if (!RoomNames.isValid(room)) {
      return ROOM_INVALID;
    }
    return rooms.of(m, room).map(action).orElseGet(() -> Outcome.notInRoom(room));
  }

  private static Outcome answer(RoomResult result) {
    return switch (result) {
      case RoomResult.Done d -> Outcome.DONE;
      case RoomResult.Repeat r -> Outcome.DONE; // the first copy was delivered: say nothing
      case RoomResult.Busy b -> ROOM_BUSY;
      case RoomResult.StoreFailed f -> Outcome.STORE_FAILED;
      case RoomResult.NotMember n -> Outcome.error(ErrorCode.NOT_IN_ROOM,
          "you are not in that room; enter it first");
      case RoomResult.Entered e -> Outcome.DONE;
      case RoomResult.AlreadyIn a -> Outcome.DONE;
      case RoomResult.Gone g -> Outcome.DONE;
    };
  }
}
