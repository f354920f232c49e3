package dev.lanchat.client;

import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.TerminalText;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the server sends into the lines the user sees, one event a line:
 *
 * <pre>
 * * connected to 127.0.0.1:5000 as alice (server Kitchen); here: alice, bob
 * * motd: be nice
 * 12:01 &lt;alice&gt; hello
 * 12:01 [alice -&gt; bob] psst
 * 12:01 * carol joined
 * 12:01 * bob left
 * 12:01 * bob left (connection lost)
 * 12:01 * carol left: see you tomorrow
 * 12:01 * dave joined; erin joined; bob left: bye
 * 12:01 * +37 joined, -5 left (/who lists everyone)
 * * here: alice, carol
 * ! name taken: the name alice is taken
 * * server closed the connection: shutting down
 * </pre>
 *
 * Every string from the network goes through {@link TerminalText#render} first, so no control
 * code, escape sequence or bidi override reaches the terminal raw; colour escapes (interactive
 * only) are added around names afterwards. Immutable and thread-safe.
 */
public final class EventFormat {
  /** Up to this many changes in one MEMBERS_CHANGED are shown by name, more only counted. */
  static final int NAMED_CHANGES = 5;
  private static final String REVERSE = "\u001B[7m";
  private static final String REVERSE_OFF = "\u001B[27m";

  private final DateTimeFormatter clock;
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
    this.colors = new NameColors(colors);
    this.emphasis = emphasis;
  }

  /**
   * The line for a MESSAGE that mentions the user: each match of {@code mention} in the
   * terminal-safe text is shown in reverse video (when emphasis is on).
   */
  public Shown mentioning(ServerMessage.Chat m, Pattern mention) {
    String body = text(m.text());
    if (emphasis) {
      body = mention.matcher(body).replaceAll(r -> Matcher.quoteReplacement(
          REVERSE + r.group() + REVERSE_OFF));
    }
    return new Shown(time(m.time()) + " <" + name(m.from()) + "> ", body);
  }

  /** The lines shown on joining: who we are and who is there, then the motd if any. */
  public List<String> welcome(String hostPort, ServerMessage.Welcome welcome,
      List<Member> here) {
    String server = welcome.server().isEmpty() ? ""
        : " (server " + TerminalText.render(welcome.server()) + ")";
    String first = "* connected to " + TerminalText.render(hostPort) + " as "
        + name(welcome.name()) + server + "; here: " + names(here);
    if (welcome.motd().isEmpty()) {
      return List.of(first);
    }
    return List.of(first, "* motd: " + TerminalText.render(welcome.motd()));
  }

  /**
   * One event as shown: a {@code head} (time and sender) and the {@code body} after it, so a
   * terminal can wrap the body under itself.
   */
  public record Shown(String head, String body) {
    /** The whole line. */
    public String line() {
      return head + body;
    }
  }

  /**
   * The line for one event, or empty for messages the user does not see (PONG, SERVER_AUTH,
   * WELCOME, which {@link #welcome} covers).
   */
  public Optional<String> format(ServerMessage message) {
    return shown(message).map(Shown::line);
  }

  /** {@link #format}, split into head and body. */
  public Optional<Shown> shown(ServerMessage message) {
    Shown shown = switch (message) {
      case ServerMessage.Chat m -> new Shown(time(m.time()) + " <" + name(m.from()) + "> ",
          text(m.text()));
      case ServerMessage.Dm m -> new Shown(time(m.time()) + " [" + name(m.from()) + " -> "
          + name(m.to()) + "] ", text(m.text()) + dmNote(m));
      case ServerMessage.Joined m -> new Shown(time(m.time()) + " ", "* "
          + name(m.member().name()) + " joined");
      case ServerMessage.Left m -> new Shown(time(m.time()) + " ", "* " + name(m.name())
          + " left" + (m.reason().isEmpty() ? "" : " (" + text(m.reason()) + ")")
          + (m.message().isEmpty() ? "" : ": " + text(m.message())));
      case ServerMessage.Roster m -> new Shown("* ", "here: " + names(m.members()));
      case ServerMessage.Error m -> new Shown("", error(m));
      case ServerMessage.Bye m -> new Shown("* ", "server closed the connection"
          + (m.reason().isEmpty() ? "" : ": " + text(m.reason())));
      case ServerMessage.MembersChanged m -> new Shown(time(m.time()) + " ", "* " + changes(m));
      case ServerMessage.Action m -> new Shown(time(m.event().time()) + " ", "* "
          + name(m.from()) + " " + text(m.text()));
      case ServerMessage.Renamed m -> new Shown(time(m.event().time()) + " ", "* "
          + name(m.oldName()) + " is now known as " + name(m.newName()));
      case ServerMessage.Topic m -> new Shown(time(m.event().time()) + " ", "* "
          + name(m.by()) + (m.topic().isEmpty() ? " cleared the topic"
              : " set the topic: " + text(m.topic())));
      case ServerMessage.RoomList m -> new Shown("* ", "rooms: " + rooms(m));
      // ENTERED is followed by the ROSTER, which says who is here; a signed head is the
      // chain's business, not a line
      case ServerMessage.Entered m -> null;
      case ServerMessage.SignedHead m -> null;
      case ServerMessage.Welcome m -> null;
      case ServerMessage.Pong m -> null;
      case ServerMessage.ServerAuth m -> null;
      // the join-code exchange happens before JOIN and shows nothing by itself
      case ServerMessage.JoinCode1 m -> null;
      case ServerMessage.JoinCode2 m -> null;
      case ServerMessage.JoinCodeConfirm m -> null;
    };
    return Optional.ofNullable(shown);
  }

  /**
   * Several membership changes in one line: each named when there are a few, else only counted,
   * because during a join storm a line per name would bury the conversation.
   */
  private String changes(ServerMessage.MembersChanged m) {
    if (m.changes().size() <= NAMED_CHANGES) {
      StringBuilder out = new StringBuilder();
      for (MemberChange change : m.changes()) {
        if (!out.isEmpty()) {
          out.append("; ");
        }
        out.append(switch (change) {
          case MemberChange.Joined j -> name(j.member().name()) + " joined";
          case MemberChange.Left l -> left(l.name(), l.reason(), l.message());
        });
      }
      return out.toString();
    }
    long joined = m.changes().stream().filter(MemberChange.Joined.class::isInstance).count();
    long left = m.changes().size() - joined;
    return "+" + joined + " joined, -" + left + " left (/who lists everyone)";
  }

  private String rooms(ServerMessage.RoomList m) {
    if (m.rooms().isEmpty()) {
      return "none";
    }
    StringBuilder out = new StringBuilder();
    for (var room : m.rooms()) {
      if (!out.isEmpty()) {
        out.append("; ");
      }
      out.append(room.room()).append(" (").append(room.members()).append(")");
      if (!room.topic().isEmpty()) {
        out.append(": ").append(text(room.topic()));
      }
    }
    return out.toString();
  }

  private String left(String who, String reason, String message) {
    return name(who) + " left" + (reason.isEmpty() ? "" : " (" + text(reason) + ")")
        + (message.isEmpty() ? "" : ": " + text(message));
  }

  /** What a DM's status adds: the recipient is offline or away, or it waited for us. */
  private String dmNote(ServerMessage.Dm m) {
    return switch (m.status()) {
      case DELIVERED -> "";
      case STORED -> " (" + name(m.to()) + " is offline: delivered when they return)";
      case AWAY -> " (" + name(m.to()) + " is away: " + text(m.note()) + ")";
      case FROM_STORAGE -> " (sent " + time(m.time()) + " while you were away)";
    };
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

  private String time(long millis) {
    return colors.dim(clock.format(Instant.ofEpochMilli(millis)));
  }

  private String name(String raw) {
    return colors.paint(TerminalText.render(raw));
  }

  private String names(List<Member> members) {
    List<String> raw = members.stream().map(Member::name).toList();
    if (raw.isEmpty()) {
      return "nobody";
    }
    StringBuilder out = new StringBuilder();
    for (String n : raw) {
      if (!out.isEmpty()) {
        out.append(", ");
      }
      out.append(name(n));
    }
    return out.toString();
  }

  private static String text(String raw) {
    return TerminalText.render(raw);
  }
}
