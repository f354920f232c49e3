package dev.lanchat.client;

import dev.lanchat.common.message.DmStatus;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import dev.lanchat.common.rules.TerminalText;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;

/**
 * The input lines sent and not yet answered, so that an ERROR from the server can name the line
 * it is about. The server handles one client's messages in order and answers each line in that
 * order ({@link Answer}: a SAY with our own MESSAGE, a DM with our own DM, WHO with a ROSTER,
 * ...), or any of them with an ERROR instead; so an ERROR belongs to the oldest line still
 * waiting. The caller gives only live events: history may hold old lines of ours. AWAY has no
 * answer, so it is not recorded (its text is checked before it is sent).
 *
 * <p>Holds at most {@link #CAPACITY} lines (a server that never answers cannot make it grow;
 * the oldest are forgotten). Thread-safe: the input thread adds, the reader thread answers.
 */
final class SentLines {
  static final int CAPACITY = 1024;
  private static final int SHOWN_CHARS = 60;

  /** What the server sends back when a line succeeds. */
  enum Answer {
    /** SAY: our own MESSAGE. */
    OWN_MESSAGE,
    /** ME: our own ACTION. */
    OWN_ACTION,
    /** DM: the echo of our DM. */
    OWN_DM,
    /** WHO: the last page of a ROSTER. */
    ROSTER,
    /** ENTER: ENTERED. */
    ENTERED,
    /** PART: our own LEFT. */
    OWN_LEFT,
    /** ROOMS: ROOM_LIST. */
    ROOM_LIST,
    /** TOPIC: the TOPIC event we set. */
    OWN_TOPIC,
    /** NICK: the RENAMED of our old name. */
    OWN_RENAME
  }

  /** One input line: its number (1-based) and its text. */
  record Line(long number, String text, Answer answer) {
    /** {@code line 3: /msg bob hi}, terminal-safe and cut short when long. */
    String describe() {
      String shown = text.length() > SHOWN_CHARS ? text.substring(0, SHOWN_CHARS) + "..." : text;
      return "line " + number + ": " + TerminalText.render(shown);
    }
  }

  private final Deque<Line> waiting = new ArrayDeque<>();
  private volatile String me = "";

  /** Our own name, to recognise our own MESSAGE and DM. */
  void joinedAs(String name) {
    me = Names.skeleton(name);
  }

  /** Line {@code number} was queued to be sent; {@code answer} is what its success looks like. */
  synchronized void sent(long number, String text, Answer answer) {
    if (waiting.size() == CAPACITY) {
      waiting.removeFirst();
    }
    waiting.addLast(new Line(number, text, answer));
  }

  /** Forgets line {@code number}, which was not sent after all; false when it was answered. */
  synchronized boolean withdraw(long number) {
    return waiting.removeIf(line -> line.number() == number);
  }

  /**
   * Notes what the server sent: a success answer retires its line (and any line before it that
   * was answered some other way), an ERROR retires the oldest line and returns it.
   */
  synchronized Optional<Line> received(ServerMessage message) {
    if (message instanceof ServerMessage.Error) {
      return Optional.ofNullable(waiting.pollFirst());
    }
    Answer answer = switch (message) {
      case ServerMessage.Chat chat when own(chat.from()) -> Answer.OWN_MESSAGE;
      case ServerMessage.Action action when own(action.from()) -> Answer.OWN_ACTION;
      case ServerMessage.Dm dm when own(dm.from())
          && dm.status() != DmStatus.FROM_STORAGE -> Answer.OWN_DM;
      case ServerMessage.Roster roster when !roster.more() -> Answer.ROSTER;
      case ServerMessage.Entered entered -> Answer.ENTERED;
      case ServerMessage.Left left when own(left.name()) -> Answer.OWN_LEFT;
      case ServerMessage.RoomList list -> Answer.ROOM_LIST;
      case ServerMessage.Topic topic when own(topic.by()) -> Answer.OWN_TOPIC;
      case ServerMessage.Renamed renamed when own(renamed.oldName()) -> {
        me = Names.skeleton(renamed.newName());
        yield Answer.OWN_RENAME;
      }
      default -> null;
    };
    if (answer == null) {
      return Optional.empty();
    }
    for (Iterator<Line> it = waiting.iterator(); it.hasNext(); ) {
      if (it.next().answer() == answer) {
        // everything before it was answered already (by an ERROR we could not place)
        while (waiting.peekFirst() != null && waiting.peekFirst().answer() != answer) {
          waiting.removeFirst();
        }
        waiting.removeFirst();
        break;
      }
    }
    return Optional.empty();
  }

  private boolean own(String from) {
    return Names.skeleton(from).equals(me);
  }
}
