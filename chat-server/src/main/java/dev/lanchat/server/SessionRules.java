package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.util.Optional;
import java.util.function.Function;

/**
 * The session rules of protocol §5 for one client: the message rate, JOIN once, nothing but
 * PING before JOIN; what passes goes to the handler of its kind ({@link RoomRequests},
 * {@link DirectMessages}, {@link Renames}, {@link E2eKeyRequests}). It answers with an {@link Outcome} and never touches
 * the socket, so the reader decides what to send.
 *
 * <p>Not thread-safe: it belongs to the connection's reader thread (BYE is the reader's own).
 */
final class SessionRules {
  /** Said to a join-code message where none is taken (protocol, "Join codes"). */
  static final ServerMessage.Bye NO_JOIN_CODES =
      new ServerMessage.Bye("protocol error: no join-code exchange is expected here");
  /** Said when the store cannot tell whose a name is: better no join than a wrong owner. */
  static final ServerMessage.Bye STORE_UNAVAILABLE =
      new ServerMessage.Bye("the server cannot read its name bindings now; try again later");

  private final Chat chat;
  private final RoomRequests rooms;
  private final Renames renames;
  private final Subscriber self;
  private final ByteString key;
  private final RateLimiter limiter;
  private final ServerMessage rateLimited;
  private final PendingLines lines = new PendingLines();

  /**
   * @param chat the server's lobby, rooms and DMs
   * @param self the client's subscriber, as the rooms will know it
   * @param key the key the client proved with CLIENT_AUTH
   * @param rate the client's sustained messages per second ({@code 0}: no limit)
   * @param burst the client's messages at once
   */
  SessionRules(Chat chat, Subscriber self, ByteString key, double rate, int burst) {
    this.chat = chat;
    this.rooms = chat.roomRequests();
    this.renames = chat.renames();
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
    boolean line = message instanceof ClientMessage.Say || message instanceof ClientMessage.Me
        || message instanceof ClientMessage.E2eSay;
    if (!line) {
      lines.awaitNone(); // the client's earlier lines take effect first
    }
    Outcome outcome = apply(message, member);
    if (line && outcome instanceof Outcome.Reply) {
      lines.awaitNone(); // and their errors come before this one's
    }
    return outcome;
  }

  /**
   * Waits until the rooms have answered every line this client sent (protocol §5.5: what a
   * client sent before BYE is handled); the reader calls it before the session ends.
   */
  void settle() {
    lines.awaitNone();
  }

  private Outcome apply(ClientMessage message, Optional<Member> member) {
    if (!limiter.tryAcquire()) {
      return new Outcome.Reply(rateLimited);
    }
    return switch (message) {
      case ClientMessage.Ping ping -> new Outcome.Reply(new ServerMessage.Pong(ping.token()));
      case ClientMessage.Join join -> member.isPresent()
          ? Outcome.error(ErrorCode.ALREADY_JOINED, "you already joined as " + member.get().name())
          : join(join.name());
      case ClientMessage.Say say ->
          asMember(member, m -> rooms.say(m, say.id(), say.room(), say.text(), false, lines));
      case ClientMessage.Me me ->
          asMember(member, m -> rooms.say(m, me.id(), me.room(), me.text(), true, lines));
      case ClientMessage.Dm dm ->
          asMember(member, m -> chat.dms().send(m, dm.id(), dm.to(), dm.text()));
      case ClientMessage.Who who -> asMember(member, m -> rooms.who(m, who.room()));
      case ClientMessage.Enter enter -> asMember(member, m -> rooms.enter(m, enter));
      case ClientMessage.Part part -> asMember(member, m -> rooms.part(m, part));
      case ClientMessage.Topic topic -> asMember(member, m -> rooms.topic(m, topic));
      case ClientMessage.Away away -> asMember(member, m -> rooms.away(m, away.text()));
      case ClientMessage.Rooms list -> asMember(member, m -> rooms.list());
      case ClientMessage.BatchOk ok -> asMember(member, m -> new Outcome.AcceptBatches());
      case ClientMessage.Nick nick -> asMember(member, m -> renames.rename(m, nick.name()));
      case ClientMessage.SignedHead head -> asMember(member, m -> rooms.signedHead(m, head));
      case ClientMessage.E2eKey e2eKey ->
          asMember(member, m -> chat.keys().publish(m, e2eKey.key()));
      case ClientMessage.E2eKeysGet get -> asMember(member, m -> chat.keys().get(m, get.target()));
      case ClientMessage.SealedDm dm ->
          asMember(member, m -> chat.dms().sendSealed(m, dm.id(), dm.to(), dm.sealed()));
      case ClientMessage.E2eSay say -> asMember(member, m -> rooms.sealedSay(m, say, lines));
      case ClientMessage.Bye bye -> throw new IllegalStateException("BYE is the reader's own");
      case ClientMessage.ClientAuth auth ->
          throw new IllegalStateException("CLIENT_AUTH is the link's own");
      case ClientMessage.JoinCode1 code -> new Outcome.Close(NO_JOIN_CODES);
      case ClientMessage.JoinCode2 code -> new Outcome.Close(NO_JOIN_CODES);
      case ClientMessage.JoinCodeConfirm code -> new Outcome.Close(NO_JOIN_CODES);
    };
  }

  /**
   * JOIN: the name is claimed server-wide; WELCOME, then the DMs that waited for this key.
   */
  private Outcome join(String name) {
    return switch (chat.lobby().login(self, name, key)) {
      case JoinResult.Joined j -> welcome(j.member());
      case JoinResult.NameInvalid n ->
          Outcome.error(ErrorCode.NAME_INVALID, "that name cannot be used: " + n.problem());
      // "taken" only for the very name; a look-alike is told what it is too close to
      case JoinResult.NameTaken t -> Outcome.error(ErrorCode.NAME_TAKEN, t.holder().equals(name)
          ? "the name " + name + " is taken"
          : "the name " + name + " is too close to " + t.holder() + ", which is taken");
      case JoinResult.NameBound b ->
          Outcome.error(ErrorCode.NAME_BOUND, "the name " + name + " belongs to another key");
      case JoinResult.Unavailable u -> new Outcome.Close(STORE_UNAVAILABLE);
      case JoinResult.Closed c -> Outcome.DONE;
    };
  }

  private Outcome welcome(Member m) {
    RoomInfo info = chat.info();
    if (m.offer(MessageCodec.encode(new ServerMessage.Welcome(m.name(), info.server(),
        info.motd(), info.rate(), info.burst(), info.maxRooms())))) {
      chat.lobby().publish(m); // DMs may reach it now: its WELCOME is first in its queue
      chat.dms().deliverWaiting(m);
    }
    return new Outcome.JoinedAs(m);
  }

  /** {@code 10} for 10.0, {@code 2.5} for 2.5: how a person writes a rate. */
  static String perSecond(double rate) {
    return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
  }

  private static Outcome asMember(Optional<Member> member, Function<Member, Outcome> action) {
    return member.isPresent()
        ? action.apply(member.get())
        : Outcome.error(ErrorCode.NOT_JOINED, "join first: send JOIN with a name");
  }
}
