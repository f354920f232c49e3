package dev.lanchat.client;

import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What the user sees of their rooms: each server event as a line on the console, with the
 * room's name in front when it is not the current room, history marked as such, ignored names'
 * lines left out, and the bell for a DM or a mention of our name. It keeps {@link JoinedRooms}
 * up to date, which the input side asks where a line goes, and gives completion the names and
 * rooms known.
 *
 * <p>History: the events announced by ENTERED's {@code history} count are shown at a terminal
 * under a separator line ({@code -- history of #dev: 20 events --}) and, piped, each starts
 * with {@link #HISTORY} so a script can tell them from live ones ({@code grep -v '^\[history\]'}).
 *
 * <p>Thread-safe: the session's reader thread delivers events while the input thread asks.
 */
final class RoomView {
  /** What starts a history event's line when piped. */
  static final String HISTORY = "[history] ";

  private final Console console;
  private final EventFormat format;
  private final NoticeFormat notices;
  private final JoinedRooms rooms = new JoinedRooms();
  private final Attention attention;
  private final RosterPages rosters = new RosterPages();
  /** The WELCOME's lines, until the first ENTERED (or a refusal) shows them. */
  private List<String> pendingWelcome = List.of();
  private final EnterWait enterWait = new EnterWait();
  /** Rooms (by skeleton) whose history separator line is out. */
  private final Set<String> historyStarted = new HashSet<>();
  private String lastRename = "";

  RoomView(Console console, EventFormat format, boolean bell) {
    this.console = console;
    this.format = format;
    this.notices = new NoticeFormat(format);
    this.attention = new Attention(console, bell);
    console.completeNamesFrom(() -> rooms.names().stream().filter(Names::isValid).toList());
    console.completeRoomsFrom(rooms::roomNames);
    console.promptRoomFrom(rooms::current);
  }

  /** The rooms as the events so far tell them. */
  JoinedRooms rooms() {
    return rooms;
  }

  /** Who we are, whom we hide, when we ring. */
  Attention attention() {
    return attention;
  }

  /**
   * Remembers who we are; the WELCOME's lines are shown once the first room is entered (or
   * refused), so "connected ... as alice" means alice is in a room, as it did when WELCOME
   * listed the members.
   */
  void welcomed(String hostPort, ServerMessage.Welcome welcome) {
    attention.named(welcome.name());
    pendingWelcome = notices.welcome(hostPort, welcome);
  }

  private synchronized void flushWelcome() {
    pendingWelcome.forEach(console::event);
    pendingWelcome = List.of();
  }

  /** An ENTER is about to be sent: {@link #awaitEntered} waits for its answer. */
  void entering(String room) {
    rooms.entering(room);
    enterWait.expect();
  }

  /**
   * Waits for the answer to the ENTER sent last ({@link EnterWait}), so the lines read next go
   * to that room and {@code /whois} knows who is there.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  void awaitEntered(BooleanSupplier over) throws InterruptedException {
    enterWait.await(over);
  }

  /** An ERROR came (shown by the caller), or the session ended: perhaps no ENTERED comes. */
  void refused() {
    flushWelcome();
    enterWait.settle();
  }

  /**
   * Shows one server event and follows what it changes. Returns false for what is not news
   * from the server about our own requests: history events and the roster that comes with
   * ENTERED (so a piped run does not take an old line of ours for the answer to a new one).
   */
  synchronized boolean received(ServerMessage m) {
    return switch (m) {
      case ServerMessage.Event event -> roomEvent(event);
      case ServerMessage.MembersChanged changed -> membersChanged(changed);
      case ServerMessage.Entered entered -> {
        entered(entered);
        yield true;
      }
      case ServerMessage.Roster roster -> roster(roster);
      case ServerMessage.RoomList list -> {
        rooms.listed(list.rooms().stream().map(r -> r.room()).toList());
        notices.rooms(list).forEach(console::event);
        yield true;
      }
      case ServerMessage.Dm dm -> {
        dm(dm);
        yield true;
      }
      default -> {
        show(m);
        yield true;
      }
    };
  }

  private void entered(ServerMessage.Entered m) {
    flushWelcome();
    rooms.entered(m.room(), m.topic(), m.history());
    rosters.entered(m.room());
    historyStarted.remove(JoinedRooms.skeleton(m.room()));
    notices.entered(m).forEach(console::event);
  }

  /** Gathers ROSTER pages; shows the roster once its last page is in. */
  private boolean roster(ServerMessage.Roster m) {
    Optional<RosterPages.Whole> whole = rosters.add(m);
    if (whole.isEmpty()) {
      return false;
    }
    List<RosterEntry> entries = whole.get().entries();
    rooms.members(m.room(), entries.stream().map(e -> e.member().name()).toList());
    entries.forEach(e -> rooms.away(e.member().name(), e.away()));
    String label = rooms.isCurrent(m.room()) ? "here" : "in " + EventFormat.text(m.room());
    console.event(notices.roster(label, entries, whole.get().total()));
    if (whole.get().entering() && rooms.historyLeft(m.room()) == 0) {
      enterWait.settle();
    }
    return !whole.get().entering();
  }

  private boolean roomEvent(ServerMessage.Event event) {
    String room = event.event().room();
    boolean history = rooms.takeHistory(room);
    if (event instanceof ServerMessage.E2eMessage) {
      // not opened: the end-to-end layer explained it in one line (or holds it for its key)
      if (history && rooms.historyLeft(room) == 0) {
        enterWait.settle();
      }
      return !history;
    }
    follow(event);
    if (attention.hides(event) || repeatedRename(event)) {
      return !history;
    }
    boolean mentioned = !history && attention.mentionedIn(event);
    EventFormat.Shown shown = format.event(event, seen(room, mentioned));
    print(room, history, shown);
    if (mentioned) {
      attention.ring();
    }
    return !history;
  }

  private boolean membersChanged(ServerMessage.MembersChanged m) {
    boolean history = rooms.takeHistory(m.room());
    for (MemberChange change : m.changes()) {
      switch (change) {
        case MemberChange.Joined j -> rooms.arrived(m.room(), j.member().name());
        case MemberChange.Left l -> rooms.departed(m.room(), l.name());
      }
    }
    print(m.room(), history, format.changes(m, seen(m.room(), false)));
    return !history;
  }

  /** Updates the room state for one event (history included: it is the room's past). */
  private void follow(ServerMessage.Event event) {
    String room = event.event().room();
    switch (event) {
      case ServerMessage.Joined m -> rooms.arrived(room, m.member().name());
      case ServerMessage.Left m -> {
        rooms.departed(room, m.name());
        // only a PART takes us out while we read on; any other reason ended a connection of
        // ours, so it is about a session lost before this one (its catch-up, or its late end)
        if (attention.isMe(m.name()) && m.reason().equals("parted")) {
          rooms.left(room);
        }
      }
      case ServerMessage.Renamed m -> {
        rooms.renamed(m.oldName(), m.newName());
        attention.renamed(m.oldName(), m.newName());
      }
      case ServerMessage.Topic m -> rooms.topic(room, m.topic());
      default -> { }
    }
  }

  /** A RENAMED comes once per room we share with the renamer; the user needs it once. */
  private boolean repeatedRename(ServerMessage.Event event) {
    if (!(event instanceof ServerMessage.Renamed m)) {
      return false;
    }
    String key = Names.skeleton(m.oldName()) + " " + Names.skeleton(m.newName());
    boolean repeated = key.equals(lastRename);
    lastRename = key;
    return repeated;
  }

  private void print(String room, boolean history, EventFormat.Shown shown) {
    if (history && rooms.historyLeft(room) == 0) {
      enterWait.settle(); // the last history event: what follows is live
    }
    if (history && console.interactive()
        && historyStarted.add(JoinedRooms.skeleton(room))) {
      console.event("-- history of " + EventFormat.text(room) + " --");
    }
    EventFormat.Shown out = history && !console.interactive() ? shown.prefixed(HISTORY) : shown;
    console.event(out.head(), out.lines());
  }

  private void dm(ServerMessage.Dm m) {
    if (attention.isIgnored(m.from())) {
      return;
    }
    EventFormat.Shown shown = format.dm(m, attention.mentions());
    console.event(shown.head(), shown.lines());
    if (!attention.isMe(m.from())) {
      attention.ring();
    }
  }

  /** Shows one server message as its line, if it has one: an ERROR as a problem (stderr). */
  void show(ServerMessage m) {
    switch (m) {
      case ServerMessage.Error error -> {
        flushWelcome();
        enterWait.settle(); // perhaps our ENTER's refusal: lines then meet "no room"
        console.problem(format.error(error));
      }
      case ServerMessage.Bye bye -> {
        flushWelcome();
        enterWait.settle();
        console.event(notices.bye(bye));
      }
      default -> { } // PONG, SIGNED_HEAD, the join-code rounds: nothing to show
    }
  }

  private EventFormat.Seen seen(String room, boolean mentioned) {
    String label = rooms.isCurrent(room) ? "" : EventFormat.text(room) + " ";
    return new EventFormat.Seen(label, attention.me(), mentioned ? attention.mentions() : null);
  }
}
