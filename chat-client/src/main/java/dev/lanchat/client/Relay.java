package dev.lanchat.client;

import dev.lanchat.client.Commands.Input;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.rules.Names;
import dev.lanchat.common.rules.TerminalText;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Acts on what the user entered ({@link Commands}): sends the message a command stands for to
 * the room it is about (the current room unless named), or answers locally ({@code /switch},
 * {@code /topic} alone, {@code /whois}, {@code /ignore}, {@code /help}). Each line sent is
 * noted in {@link SentLines} with the answer that will confirm it, so a piped run can name the
 * line an ERROR is about. A line that cannot be sent is explained; piped, it also makes the run
 * end with {@link ExitCode#LINE_FAILED}.
 *
 * <p>Called from the input thread only; the state it reads is thread-safe.
 */
final class Relay {
  /** Where messages go: the session, or whatever carries it across reconnects. */
  interface Link {
    /** Sends {@code message} (queued, paced). */
    void send(ClientMessage message);

    /** A fresh client message id for a SAY, DM or ME. */
    long nextId();

    /** Says goodbye with {@code message} (may be empty) and ends the conversation. */
    void goodbye(String message);

    /** True once the conversation has ended. */
    boolean isOver();
  }

  private final Console console;
  private final RoomView view;
  private final JoinedRooms rooms;
  private final PeerKeys peers;
  private final SentLines sent;
  private final Link link;
  private final NoticeFormat notices;
  private final EndToEnd e2e;
  private volatile boolean failed;

  Relay(Console console, RoomView view, EventFormat format, PeerKeys peers, SentLines sent,
      Link link, EndToEnd e2e) {
    this.e2e = Objects.requireNonNull(e2e, "e2e");
    this.console = Objects.requireNonNull(console, "console");
    this.view = Objects.requireNonNull(view, "view");
    this.rooms = view.rooms();
    this.peers = Objects.requireNonNull(peers, "peers");
    this.sent = Objects.requireNonNull(sent, "sent");
    this.link = Objects.requireNonNull(link, "link");
    this.notices = new NoticeFormat(format);
  }

  /** True once a piped line failed before it was sent. */
  boolean failed() {
    return failed;
  }

  /**
   * Readies entering {@code room} as the first room (the program's ENTER, not a line of the
   * user's) and returns that ENTER; the caller opens the conversation with it, so it is sent
   * once per session and never as a line to resend.
   */
  ClientMessage.Enter enterFirst(String room) {
    view.entering(room);
    sent.sent(0, "--room " + room, SentLines.Answer.ENTERED);
    return new ClientMessage.Enter(room, 0);
  }

  /** Acts on entry {@code number} ({@code line}); false once the user has quit. */
  boolean relay(String line, long number) {
    Input input = Commands.parse(line);
    switch (input) {
      case Input.Quit quit -> {
        link.goodbye(quit.message());
        return false;
      }
      case Input.Say say -> inRoom(line, number, room -> say(room, say.text(), line, number));
      case Input.Me me -> inRoom(line, number, room -> me(room, me.text(), line, number));
      case Input.Msg msg -> dm(msg, line, number);
      case Input.Who who -> inRoom(line, number, room -> send(number, line,
          SentLines.Answer.ROSTER, new ClientMessage.Who(room)));
      case Input.SetTopic topic -> inRoom(line, number, room -> send(number, line,
          SentLines.Answer.OWN_TOPIC, new ClientMessage.Topic(room, topic.topic())));
      case Input.Nick nick -> send(number, line, SentLines.Answer.OWN_RENAME,
          new ClientMessage.Nick(nick.name()));
      case Input.Rooms list -> send(number, line, SentLines.Answer.ROOM_LIST,
          new ClientMessage.Rooms());
      case Input.Join join -> join(join, line, number);
      case Input.Part part -> part(part, line, number);
      case Input.Away away -> away(away.text());
      default -> local(input, line, number);
    }
    return true;
  }

  /** The commands answered without the server. */
  private void local(Input input, String line, long number) {
    switch (input) {
      case Input.Switch to -> {
        if (rooms.switchTo(to.room())) {
          console.event("* now in " + rooms.current().orElseThrow());
        } else {
          refuse(line, number, "you are not in " + to.room() + "; /join " + to.room());
        }
      }
      case Input.ShowTopic topic -> inRoom(line, number,
          room -> console.event(notices.topic(room, rooms.topic(room))));
      case Input.Whois whois -> console.event(
          peers.whois(whois.name(), rooms.isPresent(whois.name()))
          + rooms.awayOf(whois.name()).map(a -> " (away: " + TerminalText.render(a) + ")")
              .orElse(""));
      case Input.Ignore ignore -> ignore(ignore.name(), line, number);
      case Input.Unignore unignore -> unignore(unignore.name());
      case Input.Ignored ignored -> listIgnored();
      case Input.Help help -> Commands.HELP.forEach(console::event);
      case Input.Invalid invalid -> refuse(line, number, invalid.why());
      default -> { } // Blank; the rest was sent by relay
    }
  }

  private void join(Input.Join join, String line, long number) {
    String room = join.room();
    if (rooms.switchTo(room)) {
      console.event("* now in " + rooms.current().orElseThrow());
      return;
    }
    view.entering(room);
    send(number, line, SentLines.Answer.ENTERED,
        new ClientMessage.Enter(room, 0, join.endToEnd()));
    awaitEntered();
  }

  /** A line in {@code room}: sealed by its sender in an end-to-end room, else a SAY. */
  private void say(String room, String text, String line, long number) {
    if (e2e.isEndToEnd(room)) {
      sealed(number, line, SentLines.Answer.OWN_MESSAGE, e2e.say(room, text));
    } else {
      send(number, line, SentLines.Answer.OWN_MESSAGE,
          new ClientMessage.Say(link.nextId(), room, text));
    }
  }

  private void me(String room, String text, String line, long number) {
    if (e2e.isEndToEnd(room)) {
      refuse(line, number, "/me is not available in end-to-end rooms: "
          + EventFormat.text(room) + " is one");
    } else {
      send(number, line, SentLines.Answer.OWN_ACTION,
          new ClientMessage.Me(link.nextId(), room, text));
    }
  }

  /**
   * A DM, sealed to the recipient's end-to-end key. The line is noted before the key is asked
   * for, so an ERROR about the question (no such user) names this line.
   */
  private void dm(Input.Msg msg, String line, long number) {
    sent.sent(number, line, SentLines.Answer.OWN_DM);
    switch (e2e.dm(msg.to(), msg.text())) {
      case Sealing.Send send -> link.send(send.message());
      case Sealing.Refused refused -> {
        if (sent.withdraw(number)) {
          refuse(line, number, refused.why());
        } else {
          console.problem("! " + refused.why()); // the server's ERROR named the line already
        }
      }
    }
  }

  /** Sends what the end-to-end layer sealed, or explains why it did not. */
  private void sealed(long number, String line, SentLines.Answer answer, Sealing sealing) {
    switch (sealing) {
      case Sealing.Send send -> send(number, line, answer, send.message());
      case Sealing.Refused refused -> refuse(line, number, refused.why());
    }
  }

  /** Waits for the answer to our ENTER, so the lines after {@code /join} go to that room. */
  void awaitEntered() {
    try {
      view.awaitEntered(link::isOver);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void part(Input.Part part, String line, long number) {
    Optional<String> room = part.room().or(rooms::current);
    if (room.isEmpty()) {
      refuse(line, number, "you are in no room");
      return;
    }
    String spelled = rooms.spelling(room.get()).orElse(room.get());
    if (!rooms.isIn(spelled)) {
      refuse(line, number, "you are not in " + spelled);
      return;
    }
    send(number, line, SentLines.Answer.OWN_LEFT, new ClientMessage.Part(spelled,
        part.message()));
    // what the room still sends until the server has our PART is shown with its name
    rooms.left(spelled).ifPresentOrElse(now -> console.event("* now in " + now), () -> {
      if (rooms.current().isEmpty()) {
        console.event("* you are in no room now; /join #ROOM to enter one");
      }
    });
  }

  private void away(String text) {
    link.send(new ClientMessage.Away(text));
    console.event(text.isEmpty() ? "* you are back"
        : "* you are marked away: " + TerminalText.render(text));
  }

  private void ignore(String name, String line, long number) {
    if (Names.skeleton(name).equals(Names.skeleton(view.attention().me()))) {
      refuse(line, number, "you cannot ignore yourself");
      return;
    }
    Optional<IgnoreList.Server> list = view.attention().ignored();
    if (list.isEmpty()) {
      refuse(line, number, "not connected to a server yet");
      return;
    }
    try {
      console.event(switch (list.get().ignore(name)) {
        case ADDED -> "* ignoring " + name + " on this server; /unignore " + name + " undoes it";
        case ALREADY -> "* " + name + " is ignored already";
        case FULL -> "! not ignored: " + IgnoreList.MAX_PER_SERVER
            + " names are ignored on this server already";
      });
    } catch (IOException e) {
      refuse(line, number, "cannot write the ignore file: " + e.getMessage());
    }
  }

  private void unignore(String name) {
    Optional<IgnoreList.Server> list = view.attention().ignored();
    try {
      boolean was = list.isPresent() && list.get().unignore(name);
      console.event(was ? "* no longer ignoring " + name : "* " + name + " was not ignored");
    } catch (IOException e) {
      console.problem("! cannot write the ignore file: " + e.getMessage());
    }
  }

  private void listIgnored() {
    var names = view.attention().ignored().map(IgnoreList.Server::names).orElse(java.util.List.of());
    console.event(names.isEmpty() ? "* nobody is ignored on this server"
        : "* ignored on this server: " + String.join(", ", names));
  }

  /** Runs {@code action} with the current room, or explains that there is none. */
  private void inRoom(String line, long number, java.util.function.Consumer<String> action) {
    rooms.current().ifPresentOrElse(action,
        () -> refuse(line, number, "you are in no room; /join #ROOM to enter one"));
  }

  private void send(long number, String line, SentLines.Answer answer, ClientMessage message) {
    sent.sent(number, line, answer);
    link.send(message);
  }

  /**
   * Explains why line {@code number} was not sent; piped, it names the line and the run will
   * end LINE_FAILED.
   */
  void refuse(String line, long number, String why) {
    if (console.interactive()) {
      console.problem("! " + why);
      return;
    }
    failed = true;
    console.problem("! " + why + " ("
        + new SentLines.Line(number, line, SentLines.Answer.OWN_MESSAGE).describe() + ")");
  }
}
