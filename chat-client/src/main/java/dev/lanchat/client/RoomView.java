package dev.lanchat.client;

import dev.lanchat.client.session.Session;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Pattern;

/**
 * What the user sees of the room: each event as a line on the console, the bell for a DM or a
 * mention of their name, and the names present (for completion).
 *
 * <p>Thread-safe: the session's reader thread delivers events while completion reads names.
 */
final class RoomView implements Session.Listener {
  private final Console console;
  private final EventFormat format;
  private final Set<String> names = new ConcurrentSkipListSet<>(String.CASE_INSENSITIVE_ORDER);
  private volatile String me = "";
  /** The WELCOME, shown once the ROSTER of our ENTER says who is here; null after that. */
  private volatile ServerMessage.Welcome welcome;
  private volatile String hostPort = "";
  /** The members the ROSTER of our ENTER listed so far, in join order. */
  private final List<dev.lanchat.common.message.Member> entering = new ArrayList<>();
  /** True when the next ROSTER record starts a new list (the last one had {@code more} 0). */
  private volatile boolean rosterDone = true;
  private volatile Pattern mention = Pattern.compile("(?!)");

  RoomView(Console console, EventFormat format) {
    this.console = console;
    this.format = format;
    console.completeNamesFrom(() -> names.stream().filter(Names::isValid).toList());
  }

  /** Shows the WELCOME and remembers who we are and who is here. */
  void welcomed(String hostPort, ServerMessage.Welcome welcome) {
    me = welcome.name();
    mention = Pattern.compile("(?<![A-Za-z0-9_.-])" + Pattern.quote(welcome.name())
        + "(?![A-Za-z0-9_.-])", Pattern.CASE_INSENSITIVE);
    this.welcome = welcome;
    this.hostPort = hostPort;
  }

  /**
   * Follows the ENTER of #general: its ROSTER records say who is here, and the WELCOME line is
   * shown with them once the last has come, as one line.
   *
   * @return true when {@code m} belonged to the ENTER and has been taken care of
   */
  private boolean entered(ServerMessage m) {
    ServerMessage.Welcome w = welcome;
    if (w == null || !(m instanceof ServerMessage.Roster roster)) {
      return false;
    }
    synchronized (entering) {
      entering.addAll(roster.members());
      if (roster.more()) {
        return true;
      }
      names.clear();
      entering.forEach(member -> names.add(member.name()));
      for (String line : format.welcome(hostPort, w, entering)) {
        console.event(line);
      }
      entering.clear();
    }
    welcome = null;
    return true;
  }

  @Override
  public void received(ServerMessage m) {
    if (m instanceof ServerMessage.Entered || entered(m)) {
      return;
    }
    if (m instanceof ServerMessage.Joined joined
        && Names.skeleton(joined.member().name()).equals(Names.skeleton(me))) {
      return; // our own entry: the WELCOME line said so already
    }
    switch (m) {
      case ServerMessage.Joined joined -> names.add(joined.member().name());
      case ServerMessage.Left left -> names.remove(left.name());
      case ServerMessage.MembersChanged changed -> changed.changes().forEach(change -> {
        switch (change) {
          case MemberChange.Joined j -> names.add(j.member().name());
          case MemberChange.Left l -> names.remove(l.name());
        }
      });
      case ServerMessage.Roster roster -> {
        if (rosterDone) {
          names.clear();
        }
        roster.members().forEach(member -> names.add(member.name()));
        rosterDone = !roster.more();
      }
      default -> { }
    }
    boolean concernsMe = concernsMe(m);
    if (concernsMe && m instanceof ServerMessage.Chat chat) {
      EventFormat.Shown shown = format.mentioning(chat, mention); // highlighted as well as rung
      console.event(shown.head(), shown.body());
    } else {
      show(m);
    }
    if (concernsMe) {
      console.bell();
    }
  }

  /** Shows one server message as its line, if it has one: an ERROR as a problem (stderr). */
  void show(ServerMessage m) {
    if (m instanceof ServerMessage.Error error) {
      console.problem(format.error(error));
    } else {
      format.shown(m).ifPresent(shown -> console.event(shown.head(), shown.body()));
    }
  }

  private boolean concernsMe(ServerMessage m) {
    String self = Names.skeleton(me);
    return switch (m) {
      case ServerMessage.Dm dm -> !Names.skeleton(dm.from()).equals(self);
      case ServerMessage.Chat chat -> !Names.skeleton(chat.from()).equals(self)
          && mention.matcher(chat.text()).find();
      default -> false;
    };
  }

  /** The names currently known to be in the room. */
  List<String> names() {
    return List.copyOf(names);
  }
}
