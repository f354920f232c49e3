package dev.lanchat.client;

import dev.lanchat.client.session.Backoff;
import dev.lanchat.client.session.ConversationEnd;
import dev.lanchat.client.session.Connector;
import dev.lanchat.client.session.Opened;
import dev.lanchat.client.session.Problem;
import dev.lanchat.client.session.Reconnector;
import dev.lanchat.client.session.ServerTrust;
import dev.lanchat.client.session.Session;
import dev.lanchat.client.session.SessionSettings;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.rules.TerminalText;
import dev.lanchat.common.trust.KnownPeers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client program around a {@link Session}: asks for a name, opens a session (once more if
 * the server gave up while a person answered a question), runs the join dialog, then relays
 * input lines to the session and shows what happens until the user quits, input ends or the
 * session ends. It decides the process exit code ({@link ExitCode}) and never touches a socket.
 *
 * <p>Threads: {@link #run} works on the caller's thread and reads input on one more; the
 * session reads the server on its own.
 */
public final class ChatProgram {
  /**
   * What to connect to and how.
   *
   * @param name the name to join as, or null to ask (interactive only)
   * @param zone the time zone of the timestamps shown
   */
  public record Settings(SessionSettings session, String name, ZoneId zone,
      Optional<Duration> reconnectFor, Optional<Path> logDir, Optional<Path> identityFile) {
    /** Piped, a lost connection is retried this long by default ({@code --reconnect-for}). */
    public static final Duration PIPED_RECONNECT = Duration.ofSeconds(60);

    public Settings {
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(reconnectFor, "reconnectFor");
      Objects.requireNonNull(logDir, "logDir");
      Objects.requireNonNull(identityFile, "identityFile");
    }

    /**
     * Settings whose end-to-end keys live in memory only (no identity file to keep them next
     * to).
     */
    public Settings(SessionSettings session, String name, ZoneId zone,
        Optional<Duration> reconnectFor, Optional<Path> logDir) {
      this(session, name, zone, reconnectFor, logDir, Optional.empty());
    }

    /** Settings that reconnect as {@code --reconnect-for} does by default, with no chat log. */
    public Settings(SessionSettings session, String name, ZoneId zone) {
      this(session, name, zone, Optional.of(PIPED_RECONNECT), Optional.empty());
    }
  }

  /**
   * How the conversation goes: the room to start in, whether the bell may ring, and whose
   * lines to hide.
   */
  public record RoomSettings(String room, boolean bell, IgnoreList ignores) {
    public RoomSettings {
      RoomNames.check(room);
      Objects.requireNonNull(ignores, "ignores");
    }

    /** #general, the bell on, and the ignore file next to {@code knownPeers}'s file. */
    static RoomSettings defaults(KnownPeers knownPeers) {
      try {
        return new RoomSettings(RoomNames.GENERAL, true,
            IgnoreList.load(knownPeers.file().toAbsolutePath().resolveSibling("ignored")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final int MAX_SESSIONS = 5;

  private final Settings settings;
  private final Console console;
  private final ServerTrust trust;
  private final EventFormat format;
  private final NamePrompt names;
  private final RoomView room;
  private final KnownPeers knownPeers;
  private final RoomSettings roomSettings;
  private final JoinDialog dialog;
  private final SentLines sent = new SentLines();
  private final ChainWatch chains;
  private final VerifyCommand verify;
  private final Refusals refusals;
  private final LogTap log;
  private EndToEnd e2e;
  // set by either thread when a piped line failed; read once the session has ended
  private volatile boolean failedLine;

  /**
   * A program on {@code console}; {@code trust} decides about each server key proven, and
   * {@code knownPeers} remembers the members' keys; {@link RoomSettings#defaults}.
   */
  public ChatProgram(Settings settings, Console console, ServerTrust trust,
      KnownPeers knownPeers) {
    this(settings, console, trust, knownPeers, RoomSettings.defaults(knownPeers));
  }

  /** {@link #ChatProgram(Settings, Console, ServerTrust, KnownPeers)} in {@code rooms}' way. */
  public ChatProgram(Settings settings, Console console, ServerTrust trust,
      KnownPeers knownPeers, RoomSettings rooms) {
    this.roomSettings = Objects.requireNonNull(rooms, "rooms");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.console = Objects.requireNonNull(console, "console");
    this.trust = Objects.requireNonNull(trust, "trust");
    this.knownPeers = Objects.requireNonNull(knownPeers, "knownPeers");
    this.format = new EventFormat(settings.zone(), console.colors(), console.interactive());
    this.names = new NamePrompt(console);
    this.room = new RoomView(console, format, rooms.bell());
    this.refusals = new Refusals(console, settings.session().identity().fingerprint());
    this.dialog = new JoinDialog(console, format, names, room, refusals);
    this.log = new LogTap(settings.zone());
    this.chains = new ChainWatch(settings.session().identity(), console, knownPeers);
    this.verify = new VerifyCommand(console, chains, () -> room.rooms().current());
  }

  /**
   * Runs the program and returns the process exit code ({@link ExitCode}). Problems are shown
   * on the console; nothing is thrown for a network or server failure.
   */
  public int run() {
    try (chains) {
      try {
        e2e = EndToEnd.load(settings.session().identity(),
            E2eFiles.nextTo(settings.identityFile()), System::currentTimeMillis);
      } catch (IOException e) {
        console.problem("! cannot use the end-to-end key files: " + e.getMessage());
        return fail(ExitCode.CONNECTION, "! They were left untouched: fix them, or move them away"
            + " (DMs sealed to their keys will no longer open).");
      }
      try {
        return runOnce();
      } finally {
        e2e.close(); // wipes the private keys held in memory
      }
    }
  }

  private int runOnce() {
    // asked before connecting: the server allows only 10 s from accept to WELCOME
    return switch (names.usable(settings.name())) {
      case NamePrompt.Answer.Named named -> connect(named.name());
      // Ctrl-C or Ctrl-D at the name prompt ends as it does at the trust prompt
      case NamePrompt.Answer.None none ->
          console.interactive() ? ExitCode.CANCELLED : ExitCode.NOT_JOINED;
      case NamePrompt.Answer.Unreadable unreadable ->
          fail(ExitCode.CONNECTION, "! cannot read input: " + unreadable.why());
    };
  }

  /**
   * Opens sessions until one joins or there is a reason to stop. A new session is opened only
   * when a person was asked something during the last one (the server may have given up
   * waiting), so the number of sessions is bounded by the person's answers and by
   * {@link #MAX_SESSIONS}.
   */
  private int connect(String firstName) {
    String name = firstName;
    SessionSettings sessionSettings = settings.session();
    for (int attempt = 1; ; attempt++) {
      Opened opened = Connector.open(sessionSettings, trust);
      if (!(opened instanceof Opened.Ready ready)) {
        return opened instanceof Opened.Failed failed
            ? fail(ExitCode.of(failed.problem()), "! " + failed.problem().message())
            : ExitCode.UNTRUSTED; // the trust decision told the user why
      }
      try (Session session = ready.session()) {
        switch (dialog.join(session, name, ready.askedPerson())) {
          case JoinDialog.Joining.Entered entered -> {
            return converse(session, entered.welcome());
          }
          case JoinDialog.Joining.Exit exit -> {
            return exit.exitCode();
          }
          case JoinDialog.Joining.Again again -> {
            if (attempt >= MAX_SESSIONS) {
              return fail(ExitCode.CONNECTION,
                  "! connection lost: the server closed the connection before we joined");
            }
            console.problem("* the server stopped waiting while you answered; connecting again");
            name = again.name();
          }
          case JoinDialog.Joining.WithCode coded -> {
            if (attempt >= MAX_SESSIONS) {
              return ExitCode.NOT_JOINED;
            }
            sessionSettings = sessionSettings.withJoinCode(coded.code());
            name = coded.name();
          }
        }
      }
    }
  }

  /**
   * The joined part: input on one thread, events on the session's, and a new session whenever
   * the connection is lost (as {@link Reconnector} decides); returns the exit code.
   */
  private int converse(Session session, ServerMessage.Welcome welcome) {
    room.welcomed(session.hostPort(), welcome);
    sent.joinedAs(welcome.name());
    room.attention().ignoring(roomSettings.ignores().forServer(session.serverKey()));
    log.open(settings.logDir(), session.hostPort(), welcome.name(), console);
    log.append("* connected to " + TerminalText.render(session.hostPort()) + " as "
        + TerminalText.render(welcome.name()));
    PeerKeys peers = new PeerKeys(knownPeers, session.serverKey(), console);
    Optional<Duration> retry = console.interactive() ? Optional.empty() : settings.reconnectFor();
    Reconnector link = new Reconnector(settings.session(), trust, welcome.name(),
        new Reconnector.Options(retry, console.interactive()),
        new Backoff(bound -> ThreadLocalRandom.current().nextLong(bound)), System::nanoTime);
    // one watch for the whole conversation: the link carries it across reconnects
    chains.connected(session.serverKey(), link::send);
    ReconnectorLink relayLink = new ReconnectorLink(link, console, message -> {
      chains.sent(message);
      e2e.sent(message);
    }, chains::signDue);
    e2e.attach(peers, new EndToEnd.Link() {
      @Override
      public void send(ClientMessage message) {
        relayLink.send(message);
      }

      @Override
      public long nextId() {
        return link.nextId();
      }
    }, new EndToEnd.Output(console::problem, console::event,
        opened -> opened.forEach(this::received)));
    Relay relay = new Relay(console, room, format, peers, sent, relayLink, e2e);
    Reconnecting shown = new Reconnecting(console, format, room, refusals, retry, message -> {
      chains.received(message);
      peers.received(message);
      boolean history = message instanceof ServerMessage.Event event
          && room.rooms().historyLeft(event.event().room()) > 0;
      e2e.received(message, history).forEach(this::received);
    }, log::append);
    // the first ENTER opens every session's conversation, before anything the user typed
    ClientMessage.Enter first = relay.enterFirst(roomSettings.room());
    Thread input = new Thread(() -> readInput(link, relay), "lanchat-input");
    input.setDaemon(true); // a console read that never returns cannot keep the JVM alive
    input.start();
    try {
      // a reconnect enters again every room the user is in, as the room list shows them
      chains.sent(first); // since 0: the room's chain starts afresh from the context it gets
      ConversationEnd end = link.run(session, e2e::greeting, List.of(first),
          () -> room.rooms().joined(), shown);
      room.refused(); // the WELCOME's lines, if no room was entered before the end
      return shown.exitCode(end, failedLine || relay.failed(), welcome.name());
    } finally {
      log.close();
    }
  }

  /**
   * Each server event, on the session's reader thread. When piped, an ERROR is about one of
   * our lines: it names that line and the process will end with {@link ExitCode#LINE_FAILED}.
   */
  private void received(ServerMessage message) {
    log.event(message);
    if (console.interactive() || !(message instanceof ServerMessage.Error error)) {
      if (room.received(message) && !console.interactive()) {
        sent.received(message); // only live answers: history may hold old lines of ours
      }
      return;
    }
    Optional<SentLines.Line> about = sent.received(message);
    room.refused();
    failedLine = true;
    console.problem(format.error(error) + about.map(l -> " (" + l.describe() + ")").orElse(""));
  }

  private void readInput(Reconnector link, Relay relay) {
    long number = 0;
    try {
      relay.awaitEntered();
      while (!link.isOver()) {
        String line = console.readLine();
        number++;
        if (link.isOver()) {
          return;
        }
        if (line == null) {
          chains.signDue(); // the heads of the rooms we leave, for those who stay to compare
          link.goodbye("");
          return;
        }
        switch (verify.handle(line)) {
          case VerifyCommand.Parsed.Verify answered -> { }
          case VerifyCommand.Parsed.Invalid invalid -> relay.refuse(line, number, invalid.why());
          case VerifyCommand.Parsed.Other other -> {
            if (!relay.relay(line, number)) {
              return;
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      link.stop("cannot read input: " + Problem.describe(e));
    }
  }

  private int fail(int exitCode, String message) {
    console.problem(message);
    return exitCode;
  }
}
