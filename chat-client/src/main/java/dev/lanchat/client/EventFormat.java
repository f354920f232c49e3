package dev.lanchat.client;

import dev.lanchat.common.message.DmStatus;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import dev.lanchat.common.rules.TerminalText;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns the server's room events and DMs into the lines the user sees:
 *
 * <pre>
 * 12:01 &lt;alice&gt; hello                    a MESSAGE of the current room
 * 12:01 #dev &lt;alice&gt; hello               a MESSAGE of another room we are in
 * 12:01 * alice waves                     an ACTION (/me)
 * 12:01 * carol joined                    12:01 * you entered #dev
 * 12:01 * bob left (connection lost)      12:01 * bob parted: lunch
 * 12:01 * dave joined; erin joined; bob left: bye
 * 12:01 * +37 joined, -5 left (/who lists everyone)
 * 12:01 * alice is now known as al
 * 12:01 * bob set the topic: release on friday
 * 12:01 [alice -&gt; bob] psst (bob is away: lunch)
 * </pre>
 *
 * A text of several lines is shown as several body lines ({@link Shown#lines}); the console
 * lays them out. Every string from the network goes through {@link TerminalText#render} first,
 * so no control code, escape sequence or bidi override reaches the terminal raw; colour and
 * highlight escapes (interactive only) are added afterwards. Immutable and thread-safe.
 */
public final class EventFormat {
  /** Up to this many changes in one MEMBERS_CHANGED are shown by name, more only counted. */
  static final int NAMED_CHANGES = 5;
  private static final String REVERSE = "\u001B[7m";
  private static final String REVERSE_OFF = "\u001B[27m";

  private final DateTimeFormatter clock;
  private final DateTimeFormatter date;
  private final NameColors colors;
  private final boolean emphasis;

  /**
   * @param zone the time zone of the timestamps
   * @param color whether names get a colour and timestamps are dimmed
   */
  public EventFormat(ZoneId zone, boolean color) {
    this(zone, color ? 8 : 0, color);
  }

  /**
   * @param zone the time zone of the timestamps
   * @param colors how many colours names may use: 0 (none, no dimmed timestamps), 8 or 256
   * @param emphasis whether a mention of the user's name is shown in reverse video (a terminal
   *     shows it even without colours; a script never gets an escape)
   */
  public EventFormat(ZoneId zone, int colors, boolean emphasis) {
    this.clock = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(zone);
    this.date = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(zone);
    this.colors = new NameColors(colors);
    this.emphasis = emphasis;
  }

  /**
   * One event as shown: a {@code head} (time, room, sender) and the body's {@code lines}
   * after it (one unless the text held line feeds), so a console can lay them out under the
   * head's end.
   */
  public record Shown(String head, List<String> lines) {
    public Shown {
      Objects.requireNonNull(head, "head");
      lines = List.copyOf(lines);
      if (lines.isEmpty()) {
        throw new IllegalArgumentException("an event has at least one line");
      }
    }

    Shown(String head, String body) {
      this(head, List.of(body));
    }

    /** The first body line. */
    public String body() {
      return lines.getFirst();
    }

    /** The event as a piped console prints it. */
    public String line() {
      return head + String.join("\n" + Console.CONTINUATION, lines);
    }

    /** The same event with {@code prefix} before its head. */
    Shown prefixed(String prefix) {
      return new Shown(prefix + head, lines);
    }
  }

  /**
   * How one room event is shown: {@code room} is the room's label ({@code "#dev "}, empty for
   * the current room), {@code me} our own name (our own joins and renames read "you"), and
   * {@code mentions} where to find our name (highlighted when emphasis is on).
   */
  record Seen(String room, String me, Mentions mentions) {}

  /** The line for a room event. */
  Shown event(ServerMessage.Event event, Seen seen) {
    String head = time(event.event().time()) + " " + seen.room();
    return switch (event) {
      case ServerMessage.Chat m -> new Shown(head + "<" + name(m.from()) + "> ",
          text(m.text(), seen.mentions()));
      case ServerMessage.Action m -> action(head, m, seen);
      case ServerMessage.Joined m -> new Shown(head, "* " + (isMe(m.member().name(), seen)
          ? "you entered " + text(event.event().room()) : name(m.member().name()) + " joined"));
      case ServerMessage.Left m -> new Shown(head, "* " + (isMe(m.name(), seen)
          ? "you left " + text(event.event().room()) : left(m.name(), m.reason(), m.message())));
      case ServerMessage.Renamed m -> new Shown(head, "* " + (isMe(m.newName(), seen)
          ? "you are now known as " + name(m.newName())
          : name(m.oldName()) + " is now known as " + name(m.newName())));
      case ServerMessage.Topic m -> new Shown(head, "* " + name(m.by()) + (m.topic().isEmpty()
          ? " cleared the topic" : " set the topic: " + text(m.topic())));
      // what the end-to-end layer could not open (it said why); an opened one comes as MESSAGE
      case ServerMessage.E2eMessage m -> new Shown(head, "* " + name(m.from())
          + " sent an end-to-end message this client cannot read");
    };
  }

  private Shown action(String head, ServerMessage.Action m, Seen seen) {
    List<String> lines = new ArrayList<>(text(m.text(), seen.mentions()));
    lines.set(0, "* " + name(m.from()) + " " + lines.getFirst());
    return new Shown(head, lines);
  }

  /** The line for several membership changes of a room at once (MEMBERS_CHANGED). */
  Shown changes(ServerMessage.MembersChanged m, Seen seen) {
    return new Shown(time(m.time()) + " " + seen.room(), "* " + changes(m.changes(), seen));
  }

  /**
   * The line for a DM; a note says when it was kept for an offline recipient, reached an away
   * one, or comes from storage (then with the date it was sent).
   */
  Shown dm(ServerMessage.Dm m, Mentions mentions) {
    String when = m.status() == DmStatus.FROM_STORAGE ? date.format(Instant.ofEpochMilli(m.time()))
        : clock.format(Instant.ofEpochMilli(m.time()));
    List<String> lines = new ArrayList<>(text(m.text(), mentions));
    String note = switch (m.status()) {
      case DELIVERED -> "";
      case STORED -> " (" + name(m.to()) + " is offline: kept until they connect)";
      case AWAY -> " (" + name(m.to()) + " is away"
          + (m.note().isEmpty() ? "" : ": " + text(m.note())) + ")";
      case FROM_STORAGE -> " (sent while you were offline)";
    };
    lines.set(lines.size() - 1, lines.getLast() + note);
    return new Shown(colors.dim(when) + " [" + name(m.from()) + " -> " + name(m.to()) + "] ",
        lines);
  }

  /**
   * Several membership changes in one line: each named when there are a few, else only counted,
   * because during a join storm a line per name would bury the conversation.
   */
  private String changes(List<MemberChange> changes, Seen seen) {
    if (changes.size() <= NAMED_CHANGES) {
      StringBuilder out = new StringBuilder();
      for (MemberChange change : changes) {
        if (!out.isEmpty()) {
          out.append("; ");
        }
        out.append(switch (change) {
          case MemberChange.Joined j -> isMe(j.member().name(), seen) ? "you entered"
              : name(j.member().name()) + " joined";
          case MemberChange.Left l -> isMe(l.name(), seen) ? "you left"
              : left(l.name(), l.reason(), l.message());
        });
      }
      return out.toString();
    }
    long joined = changes.stream().filter(MemberChange.Joined.class::isInstance).count();
    long left = changes.size() - joined;
    return "+" + joined + " joined, -" + left + " left (/who lists everyone)";
  }

  private String left(String who, String reason, String message) {
    String tail = message.isEmpty() ? "" : ": " + text(message);
    if (reason.equals("parted")) {
      return name(who) + " parted" + tail;
    }
    return name(who) + " left" + (reason.isEmpty() ? "" : " (" + text(reason) + ")") + tail;
  }

  /**
   * The chat log's line for {@code message} ({@code --log}): the piped format with the room's
   * name on every room line, since a log is read later, apart from which room was current;
   * {@code me} is our name (our own joins read "you"). Empty for what is not chat (ERRORs are
   * about our input; PONG, WELCOME and the like show nothing).
   */
  Optional<String> logLine(ServerMessage message, String me) {
    Shown shown = switch (message) {
      case ServerMessage.Event e -> event(e, new Seen(text(e.event().room()) + " ", me, null));
      case ServerMessage.MembersChanged m -> changes(m, new Seen(text(m.room()) + " ", me, null));
      case ServerMessage.Dm m -> dm(m, null);
      case ServerMessage.Bye m -> new Shown("* ", "server closed the connection"
          + (m.reason().isEmpty() ? "" : ": " + text(m.reason())));
      default -> null;
    };
    return Optional.ofNullable(shown).map(Shown::line);
  }

  /** {@code ! name taken: TEXT}: the code as words, then the server's text. */
  public String error(ServerMessage.Error error) {
    String label = error.errorCode()
        .map(code -> code.name().toLowerCase(Locale.ROOT).replace('_', ' '))
        .orElse("error " + error.code());
    String text = text(error.text());
    if (text.toLowerCase(Locale.ROOT).startsWith(label)) {
      return "! " + text; // the server's text says it already: "no such user: bob"
    }
    return "! " + label + (text.isEmpty() ? "" : ": " + text);
  }

  /** True when {@code error} is about the name asked for, so another name may work. */
  static boolean isNameProblem(ServerMessage.Error error) {
    return error.errorCode()
        .map(code -> code == ErrorCode.NAME_TAKEN || code == ErrorCode.NAME_INVALID
            || code == ErrorCode.NAME_BOUND)
        .orElse(false);
  }

  /** {@code raw}'s lines, each terminal-safe, mentions in reverse video when emphasis is on. */
  private List<String> text(String raw, Mentions mentions) {
    List<String> lines = new ArrayList<>();
    for (String line : raw.split("\n", -1)) {
      lines.add(highlight(text(line), mentions));
    }
    return lines;
  }

  private String highlight(String safe, Mentions mentions) {
    if (!emphasis || mentions == null) {
      return safe;
    }
    List<Mentions.Span> spans = mentions.spans(safe);
    if (spans.isEmpty()) {
      return safe;
    }
    StringBuilder out = new StringBuilder();
    int at = 0;
    for (Mentions.Span span : spans) {
      out.append(safe, at, span.start()).append(REVERSE)
          .append(safe, span.start(), span.end()).append(REVERSE_OFF);
      at = span.end();
    }
    return out.append(safe.substring(at)).toString();
  }

  private static boolean isMe(String name, Seen seen) {
    return Names.skeleton(name).equals(Names.skeleton(seen.me()));
  }

  private String time(long millis) {
    return colors.dim(clock.format(Instant.ofEpochMilli(millis)));
  }

  /** {@code raw}, a name from the network, terminal-safe and in its colour. */
  String name(String raw) {
    return colors.paint(TerminalText.render(raw));
  }

  /** {@code raw} from the network, terminal-safe. */
  static String text(String raw) {
    return TerminalText.render(raw);
  }
}
