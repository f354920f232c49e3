package dev.lanchat.client;

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
 * order: a SAY with our own MESSAGE, a DM with our own DM, WHO with a ROSTER, or any of them
 * with an ERROR instead; so an ERROR belongs to the oldest line still waiting.
 *
 * <p>Holds at most {@link #CAPACITY} lines (a server that never answers cannot make it grow;
 * the oldest are forgotten). Thread-safe: the input thread adds, the reader thread answers.
 */
final class SentLines {
  static final int CAPACITY = 1024;
  private static final int SHOWN_CHARS = 60;

  /** What the server sends back when a line succeeds. */
  enum Answer { OWN_MESSAGE, OWN_DM, ROSTER }

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
  /** True between ENTERED and the last record of the ROSTER that follows it. */
  private boolean entering;

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

  /**
   * Notes what the server sent: a success answer retires its line (and any line before it that
   * was answered some other way), an ERROR retires the oldest line and returns it.
   */
  synchronized Optional<Line> received(ServerMessage message) {
    if (message instanceof ServerMessage.Error) {
      return Optional.ofNullable(waiting.pollFirst());
    }
    if (message instanceof ServerMessage.Entered) {
      entering = true; // the ROSTER that follows answers our ENTER, not a typed /who
      return Optional.empty();
    }
    Answer answer = switch (message) {
      case ServerMessage.Chat chat when own(chat.from()) -> Answer.OWN_MESSAGE;
      case ServerMessage.Dm dm when own(dm.from()) -> Answer.OWN_DM;
      case ServerMessage.Roster roster when entering -> {
        entering = roster.more();
        yield null;
      }
      case ServerMessage.Roster roster -> roster.more() ? null : Answer.ROSTER;
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
