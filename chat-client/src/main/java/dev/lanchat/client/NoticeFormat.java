package dev.lanchat.client;

import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.RoomSummary;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.TerminalText;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines about the conversation rather than in it, all starting with {@code *}:
 *
 * <pre>
 * * connected to 127.0.0.1:5000 as alice (server Kitchen)
 * * motd: be nice
 * * #dev: 3 members; topic: release on friday
 * * here: alice, bob (away: lunch), carol          (in #dev: ... for another room)
 * * 2 rooms:
 * *   #dev: 3 members; topic: release on friday
 * *   #general: 12 members
 * * server closed the connection: shutting down
 * </pre>
 *
 * Every network string is rendered terminal-safe; names get their colour. Immutable and
 * thread-safe.
 */
final class NoticeFormat {
  /** Most names one roster line shows; the rest are counted. */
  static final int NAMED_MEMBERS = 500;

  /**
   * What marks an end-to-end room in {@code /rooms}: a lock where the console's charset is
   * UTF-8, else {@code [e2e]} (a lock would show as a question mark).
   */
  static final String LOCK = "UTF-8".equalsIgnoreCase(System.getProperty("stdout.encoding",
      java.nio.charset.Charset.defaultCharset().name())) ? "\uD83D\uDD12" : "[e2e]";

  private final EventFormat names;

  NoticeFormat(EventFormat names) {
    this.names = names;
  }

  /** The lines shown on logging in: who we are, then the motd if any. */
  List<String> welcome(String hostPort, ServerMessage.Welcome welcome) {
    String server = welcome.server().isEmpty() ? ""
        : " (server " + TerminalText.render(welcome.server()) + ")";
    String first = "* connected to " + TerminalText.render(hostPort) + " as "
        + names.name(welcome.name()) + server;
    if (welcome.motd().isEmpty()) {
      return List.of(first);
    }
    return List.of(first, "* motd: " + TerminalText.render(welcome.motd()));
  }

  /** The line for ENTERED: the room, its size and topic, and any events left out. */
  List<String> entered(ServerMessage.Entered m) {
    List<String> lines = new ArrayList<>();
    lines.add("* " + summary(m.room(), m.members(), m.topic()));
    if (m.endToEnd()) {
      lines.add("* " + TerminalText.render(m.room()) + " is end-to-end: the server cannot read"
          + " it. You read from now on.");
    }
    if (m.skipped() > 0) {
      lines.add("* " + m.skipped() + " earlier events of " + TerminalText.render(m.room())
          + " were not sent (only the newest are kept for a catch-up)");
    }
    return lines;
  }

  /** {@code #dev: 3 members; topic: T}. */
  private static String summary(String room, long members, String topic) {
    return TerminalText.render(room) + ": " + members + (members == 1 ? " member" : " members")
        + (topic.isEmpty() ? "" : "; topic: " + TerminalText.render(topic));
  }

  /** The line for ROOM_LIST: a count, then one line per room. */
  List<String> rooms(ServerMessage.RoomList m) {
    List<String> lines = new ArrayList<>();
    lines.add(m.rooms().isEmpty() ? "* no room has members"
        : "* " + m.rooms().size() + (m.rooms().size() == 1 ? " room:" : " rooms:"));
    for (RoomSummary room : m.rooms()) {
      lines.add("*   " + (room.endToEnd() ? LOCK + " " : "")
          + summary(room.room(), room.members(), room.topic()));
    }
    return lines;
  }

  /**
   * The line for a whole roster: {@code label} is {@code "here"} for the current room and
   * {@code "in #dev"} for another; away members carry their away text.
   */
  String roster(String label, List<RosterEntry> entries, long total) {
    StringBuilder out = new StringBuilder("* " + label + ": ");
    if (entries.isEmpty()) {
      return out.append("nobody").toString();
    }
    int shown = 0;
    for (RosterEntry entry : entries) {
      if (shown == NAMED_MEMBERS) {
        break;
      }
      if (shown++ > 0) {
        out.append(", ");
      }
      out.append(names.name(entry.member().name()));
      if (!entry.away().isEmpty()) {
        out.append(" (away: ").append(TerminalText.render(entry.away())).append(')');
      }
    }
    if (total > shown) {
      out.append(" and ").append(total - shown).append(" more");
    }
    return out.toString();
  }

  /** What {@code /topic} alone shows. */
  String topic(String room, String topic) {
    return topic.isEmpty() ? "* " + TerminalText.render(room) + " has no topic"
        : "* topic of " + TerminalText.render(room) + ": " + TerminalText.render(topic);
  }

  /** The line for the server's BYE. */
  String bye(ServerMessage.Bye m) {
    return "* server closed the connection"
        + (m.reason().isEmpty() ? "" : ": " + TerminalText.render(m.reason()));
  }
}
