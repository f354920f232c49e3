package dev.lanchat.client;

import dev.lanchat.client.session.Backoff;
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
import dev.lanchat.common.trust.KnownPeers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
      Optional<Duration> reconnectFor, Optional<Path> logDir) {
    /** Piped, a lost connection is retried this long by default ({@code --reconnect-for}). */
    public static final Duration PIPED_RECONNECT = Duration.ofSeconds(60);

    public Settings {
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(reconnectFor, "reconnectFor");
      Objects.requireNonNull(logDir, "logDir");
    }

    /** Settings that reconnect as {@code --reconnect-for} does by default, with no chat log. */
    public Settings(SessionSettings session, String name, ZoneId zone) {
      this(session, name, zone, Optional.of(PIPED_RECONNECT), Optional.empty());
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
  private final JoinDialog dialog;
  private final SentLines sent = new SentLines();
  private final ChainWatch chains;
  private final VerifyCommand verify;
  private final Refusals refusals;
  private final LogTap log;
  // set by either thread when a piped line failed; read once the session has ended
  private volatile boolean failedLine;

  /**
   * A program on {@code console}; {@code trust} decides about each server key proven, and
   * {@code knownPeers} remembers the members' keys.
   */
  public ChatProgram(Settings settings, Console console, ServerTrust trust,
      KnownPeers knownPeers) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.console = Objects.requireNonNull(console, "console");
    this.trust = Objects.requireNonNull(trust, "trust");
    this.knownPeers = Objects.requireNonNull(knownPeers, "knownPeers");
    this.format = new EventFormat(settings.zone(), console.colors(), console.interactive());
    this.names = new NamePrompt(console);
    this.room = new RoomView(console, format);
    this.refusals = new Refusals(console, settings.session().identity().fingerprint());
    this.dialog = new JoinDialog(console, format, names, room, refusals);
    this.log = new LogTap(settings.zone());
    this.chains = new ChainWatch(settings.session().identity(), console, knownPeers);
    this.verify = new VerifyCommand(console, chains, () -> Optional.of(RoomNames.GENERAL));
  }

  /**
   * Runs the program and returns the process exit code ({@link ExitCode}). Problems are shown
   * on the console; nothing is thrown for a network or server failure.
   */
  public int run() {
    try (chains) {
      return runOnce();
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
    log.open(settings.logDir(), session.hostPort(), console);
    log.append("* connected to " + session.hostPort() + " as "
        + dev.lanchat.common.rules.TerminalText.render(welcome.name()));
    PeerKeys peers = new PeerKeys(knownPeers, session.serverKey(), console);
    Optional<Duration> retry = console.interactive() ? Optional.empty() : settings.reconnectFor();
    Reconnector link = new Reconnector(settings.session(), trust, welcome.name(),
        new Reconnector.Options(retry, console.interactive()),
        new Backoff(bound -> ThreadLocalRandom.current().nextLong(bound)), System::nanoTime);
    CountDownLatch entered = new CountDownLatch(1);
    // one watch for the whole conversation: the link carries it across reconnects
    chains.connected(session.serverKey(), link::send);
    Reconnecting shown = new Reconnecting(console, format, room, refusals, retry, message -> {
      chains.received(message);
      peers.received(message);
      received(message);
      if (message instanceof ServerMessage.Roster r && !r.more()
          || message instanceof ServerMessage.Error) {
        entered.countDown();
      }
    }, log::append);
    // lines are read once we know who is there, as they were when WELCOME listed everyone
    Thread input = new Thread(() -> {
      awaitEntered(link, entered);
      readInput(link, peers);
    }, "lanchat-input");
    input.setDaemon(true); // a console read that never returns cannot keep the JVM alive
    input.start();
    try {
      // logged in, in no room yet: everyone starts in #general because we enter it
      ClientMessage.Enter enter = new ClientMessage.Enter(RoomNames.GENERAL, 0);
      chains.sent(enter); // since 0: the room's chain starts afresh from the context it gets
      return shown.exitCode(link.run(session, List.of(enter), shown), failedLine,
          welcome.name());
    } finally {
      log.close();
    }
  }

  /** Waits for the answer to our first ENTER, or for the conversation to end without one. */
  private static void awaitEntered(Reconnector link, CountDownLatch entered) {
    try {
      while (!entered.await(100, TimeUnit.MILLISECONDS) && !link.isOver()) {
        // the conversation's end is the other way out
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Each server event, on the session's reader thread. When piped, an ERROR is about one of
   * our lines: it names that line and the process will end with {@link ExitCode#LINE_FAILED}.
   */
  private void received(ServerMessage message) {
    if (console.interactive()) {
      log.event(message);
      room.received(message);
      return;
    }
    log.event(message);
    Optional<SentLines.Line> about = sent.received(message);
    if (message instanceof ServerMessage.Error error) {
      failedLine = true;
      console.problem(format.error(error) + about.map(l -> " (" + l.describe() + ")").orElse(""));
      return;
    }
    room.received(message);
  }

  private void readInput(Reconnector session, PeerKeys peers) {
    long number = 0;
    try {
      while (!session.isOver()) {
        String line = console.readLine();
        number++;
        if (session.isOver()) {
          return;
        }
        if (line == null) {
          session.goodbye("");
          return;
        }
        if (!relay(session, peers, line, number)) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      session.stop("cannot read input: " + Problem.describe(e));
    }
  }

  /** Acts on input line {@code number}; false once the user has quit. */
  private boolean relay(Reconnector session, PeerKeys peers, String line, long number) {
    Commands.Input input = switch (verify.handle(line)) {
      case VerifyCommand.Parsed.Other other -> Commands.parse(line);
      case VerifyCommand.Parsed.Invalid invalid -> new Commands.Input.Invalid(invalid.why());
      case VerifyCommand.Parsed.Verify answered -> new Commands.Input.Blank();
    };
    switch (input) {
      case Commands.Input.Say say -> {
        sent.sent(number, line, SentLines.Answer.OWN_MESSAGE);
        deliver(session, new ClientMessage.Say(session.nextId(), RoomNames.GENERAL,
            say.text()));
      }
      case Commands.Input.Msg msg -> {
        sent.sent(number, line, SentLines.Answer.OWN_DM);
        deliver(session, new ClientMessage.Dm(session.nextId(), msg.to(), msg.text()));
      }
      case Commands.Input.Who who -> {
        sent.sent(number, line, SentLines.Answer.ROSTER);
        deliver(session, new ClientMessage.Who(RoomNames.GENERAL));
      }
      case Commands.Input.Whois whois -> console.event(peers.whois(whois.name()));
      case Commands.Input.Quit quit -> {
        session.goodbye(quit.message());
        return false;
      }
      case Commands.Input.Help help -> Commands.HELP.forEach(console::event);
      case Commands.Input.Invalid invalid -> {
        if (console.interactive()) {
          console.problem("! " + invalid.why());
        } else {
          failedLine = true;
          console.problem("! " + invalid.why() + " ("
              + new SentLines.Line(number, line, SentLines.Answer.OWN_MESSAGE).describe() + ")");
        }
      }
      case Commands.Input.Blank blank -> { }
    }
    return true;
  }

  /**
   * Hands one message to the conversation; while disconnected it waits for the connection, and
   * at a terminal a line beyond {@link Reconnector#MAX_QUEUED} is refused and said so.
   */
  private void deliver(Reconnector link, ClientMessage message) {
    switch (link.send(message)) {
      case SENT, OVER -> { }
      case QUEUED -> console.problem("* not connected: kept to send once the connection is back");
      case REFUSED -> console.problem("! not sent: " + Reconnector.MAX_QUEUED
          + " lines already wait for the connection to come back");
    }
  }

  private int fail(int exitCode, String message) {
    console.problem(message);
    return exitCode;
  }
}
