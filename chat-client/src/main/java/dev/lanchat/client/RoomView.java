package dev.lanchat.client;

import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
  /** Longest wait for an ENTER's answer before reading on (the server answers at once). */
  static final long ENTER_WAIT_MS = 15_000;
  /** Most roster entries gathered over the pages of one ROSTER (more are counted only). */
  static final int MAX_ROSTER = 10_000;

  private final Console console;
  private final EventFormat format;
  private final NoticeFormat notices;
  private final JoinedRooms rooms = new JoinedRooms();
  private final boolean bell;
  private final Map<String, Pages> rosters = new HashMap<>();
  /** Rooms (by skeleton) whose ROSTER is the one that comes with ENTERED. */
  private final Set<String> enteringRosters = new HashSet<>();
  /** Rooms (by skeleton) whose history separator line is out. */
  private final Set<String> historyStarted = new HashSet<>();
  private volatile IgnoreList.Server ignored;
  private volatile String me = "";
  private volatile Mentions mentions = new Mentions("");
  private String lastRename = "";
  /** Open once the room last asked for is entered (its roster and history in) or refused. */
  private volatile CountDownLatch settled = new CountDownLatch(1);

  /** A roster being gathered over its pages. */
  private static final class Pages {
    final List<RosterEntry> entries = new ArrayList<>();
    long total;
  }

  RoomView(Console console, EventFormat format, boolean bell) {
    this.console = console;
    this.format = format;
    this.notices = new NoticeFormat(format);
    this.bell = bell;
    console.completeNamesFrom(() -> rooms.names().stream().filter(Names::isValid).toList());
    console.completeRoomsFrom(rooms::roomNames);
  }

  /** The rooms as the events so far tell them. */
  JoinedRooms rooms() {
    return rooms;
  }

  /** Whose lines are hidden: the ignore list of the server we are on. */
  void ignoring(IgnoreList.Server list) {
    this.ignored = list;
  }

  /** The names whose lines are hidden, or nobody before {@link #ignoring}. */
  Optional<IgnoreList.Server> ignored() {
    return Optional.ofNullable(ignored);
  }

  /** Shows the WELCOME and remembers who we are. */
  void welcomed(String hostPort, ServerMessage.Welcome welcome) {
    named(welcome.name());
    notices.welcome(hostPort, welcome).forEach(console::event);
  }

  private void named(String name) {
    me = name;
    mentions = new Mentions(name);
  }

  /** An ENTER is about to be sent: {@link #awaitEntered} waits for its answer. */
  void entering(String room) {
    rooms.entering(room);
    settled = new CountDownLatch(1);
  }

  /**
   * Waits until the room last asked for is entered, with its roster and history shown, or
   * refused, or {@code over} says the session ended, or {@link #ENTER_WAIT_MS} passed; so the
   * lines read next go to that room, and {@code /whois} knows who is there.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  void awaitEntered(BooleanSupplier over) throws InterruptedException {
    CountDownLatch latch = settled;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ENTER_WAIT_MS);
    while (!latch.await(100, TimeUnit.MILLISECONDS) && !over.getAsBoolean()
        && System.nanoTime() < deadline) {
      // the session's end is polled: it may end without any event reaching us
    }
  }

  /** An ERROR came (shown by the caller): perhaps the first ENTER's refusal. */
  void refused() {
    settled.countDown();
  }

  /** Our own name, as the server spells it. */
  String me() {
    return me;
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
    rooms.entered(m.room(), m.topic(), m.history());
    String key = JoinedRooms.skeleton(m.room());
    rosters.remove(key);
    enteringRosters.add(key);
    historyStarted.remove(key);
    notices.entered(m).forEach(console::event);
  }

  /** Gathers ROSTER pages; shows the roster once its last page is in. */
  private boolean roster(ServerMessage.Roster m) {
    String key = JoinedRooms.skeleton(m.room());
    Pages pages = rosters.computeIfAbsent(key, k -> new Pages());
    for (RosterEntry entry : m.entries()) {
      if (pages.entries.size() < MAX_ROSTER) {
        pages.entries.add(entry);
      }
      pages.total++;
    }
    if (m.more()) {
      return false;
    }
    rosters.remove(key);
    boolean entering = enteringRosters.remove(key);
    rooms.members(m.room(), pages.entries.stream().map(e -> e.member().name()).toList());
    pages.entries.forEach(e -> rooms.away(e.member().name(), e.away()));
    String label = rooms.isCurrent(m.room()) ? "here" : "in " + EventFormat.text(m.room());
    console.event(notices.roster(label, pages.entries, pages.total));
    if (entering && rooms.historyLeft(m.room()) == 0) {
      settled.countDown();
    }
    return !entering;
  }

  private boolean roomEvent(ServerMessage.Event event) {
    String room = event.event().room();
    boolean history = rooms.takeHistory(room);
    follow(event);
    if (hidden(event) || repeatedRename(event)) {
      return !history;
    }
    boolean mentioned = !history && mentionsMe(event);
    EventFormat.Shown shown = format.event(event, seen(room, mentioned));
    print(room, history, shown);
    if (mentioned) {
      ring();
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
        if (isMe(m.name())) {
          rooms.left(room);
        }
      }
      case ServerMessage.Renamed m -> renamed(m.oldName(), m.newName());
      case ServerMessage.Topic m -> rooms.topic(room, m.topic());
      default -> { }
    }
  }

  private void renamed(String from, String to) {
    rooms.renamed(from, to);
    if (isMe(from)) {
      named(to);
    }
    IgnoreList.Server list = ignored;
    if (list != null) {
      try {
        list.renamed(from, to);
      } catch (IOException e) {
        console.problem("! cannot write the ignore file: " + e.getMessage());
      }
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
      settled.countDown(); // the last history event: what follows is live
    }
    if (history && console.interactive()
        && historyStarted.add(JoinedRooms.skeleton(room))) {
      console.event("-- history of " + EventFormat.text(room) + " --");
    }
    EventFormat.Shown out = history && !console.interactive() ? shown.prefixed(HISTORY) : shown;
    console.event(out.head(), out.lines());
  }

  private void dm(ServerMessage.Dm m) {
    if (!isMe(m.from()) && isIgnored(m.from())) {
      return;
    }
    EventFormat.Shown shown = format.dm(m, mentions);
    console.event(shown.head(), shown.lines());
    if (!isMe(m.from())) {
      ring();
    }
  }

  /** Shows one server message as its line, if it has one: an ERROR as a problem (stderr). */
  void show(ServerMessage m) {
    switch (m) {
      case ServerMessage.Error error -> {
        settled.countDown(); // perhaps the first ENTER's refusal: lines then meet "no room"
        console.problem(format.error(error));
      }
      case ServerMessage.Bye bye -> {
        settled.countDown();
        console.event(notices.bye(bye));
      }
      default -> { } // PONG, SIGNED_HEAD, the join-code rounds: nothing to show
    }
  }

  private EventFormat.Seen seen(String room, boolean mentioned) {
    String label = rooms.isCurrent(room) ? "" : EventFormat.text(room) + " ";
    return new EventFormat.Seen(label, me, mentioned ? mentions : null);
  }

  private boolean hidden(ServerMessage.Event event) {
    return switch (event) {
      case ServerMessage.Chat m -> !isMe(m.from()) && isIgnored(m.from());
      case ServerMessage.Action m -> !isMe(m.from()) && isIgnored(m.from());
      default -> false;
    };
  }

  private boolean mentionsMe(ServerMessage.Event event) {
    return switch (event) {
      case ServerMessage.Chat m -> !isMe(m.from()) && mentions.in(m.text());
      case ServerMessage.Action m -> !isMe(m.from()) && mentions.in(m.text());
      default -> false;
    };
  }

  private boolean isIgnored(String name) {
    IgnoreList.Server list = ignored;
    return list != null && list.isIgnored(name);
  }

  private boolean isMe(String name) {
    return Names.skeleton(name).equals(Names.skeleton(me));
  }

  private void ring() {
    if (bell) {
      console.bell();
    }
  }
}
