package dev.lanchat.client;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.ServerKeyVerifier;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import dev.lanchat.common.rules.TerminalText;
import dev.lanchat.common.trust.KnownServers;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * One chat session, start to end: connect, handshake (the {@link ServerKeyVerifier} decides
 * trust before anything encrypted is sent), join, then relay input lines to the server and
 * server events to the console until the user quits, input ends or the connection is lost.
 *
 * <p>At the end of input (or {@code /quit}) the client sends PING and waits for the PONG with
 * that token, so everything sent before has been handled by the server, then sends BYE. While
 * joined, a PING also goes out whenever nothing was sent for the keep-alive interval.
 *
 * <p>Threads: {@link #run} connects and joins on the caller's thread, then one thread reads the
 * socket, one reads the console and a timer sends keep-alives; {@code run} returns when any of
 * them ends the session. Single use: call {@link #run} once.
 */
public final class ChatClient {
  private static final int CONNECT_TIMEOUT_MS = 10_000;
  private static final int HANDSHAKE_TIMEOUT_MS = 15_000;
  private static final Duration GOODBYE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(90);

  /**
   * What to connect to and how.
   *
   * @param name the name to join as, or null to ask (interactive only)
   * @param pingInterval send PING after this long without sending anything (30 s normally)
   * @param zone the time zone of the timestamps shown
   */
  public record Settings(String host, int port, String name, Duration pingInterval, ZoneId zone) {
    public Settings {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(pingInterval, "pingInterval");
      Objects.requireNonNull(zone, "zone");
      if (pingInterval.isNegative() || pingInterval.isZero()) {
        throw new IllegalArgumentException("the ping interval must be positive");
      }
    }

    /** Settings with the protocol's 30 s keep-alive and the system time zone. */
    public static Settings of(String host, int port, String name) {
      return new Settings(host, port, name, Duration.ofSeconds(30), ZoneId.systemDefault());
    }

    String hostPort() {
      return KnownServers.hostPort(host, port);
    }
  }

  /** The PONG token that the goodbye waits for. */
  private record PendingPong(long token, CompletableFuture<Void> answered) {}

  private final Settings settings;
  private final Console console;
  private final ServerKeyVerifier verifier;
  private final EventFormat format;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong tokens = new AtomicLong();
  private final AtomicLong lastSent = new AtomicLong(System.nanoTime());
  private final AtomicReference<PendingPong> pendingPong = new AtomicReference<>();
  private final CompletableFuture<Integer> outcome = new CompletableFuture<>();
  private final Set<String> names = new ConcurrentSkipListSet<>(String.CASE_INSENSITIVE_ORDER);
  private volatile boolean leaving;
  private volatile MessageChannel channel;
  private volatile String me;
  private volatile Pattern mention;

  /**
   * @param verifier decides whether the server's key is trusted; it throws (for example {@link
   *     UntrustedServerException}) to refuse
   */
  public ChatClient(Settings settings, Console console, ServerKeyVerifier verifier) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.console = Objects.requireNonNull(console, "console");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.format = new EventFormat(settings.zone(), console.color());
    console.completeNamesFrom(() -> names.stream().filter(Names::isValid).toList());
  }

  /**
   * Runs the session and returns the process exit code ({@link ExitCode}). Problems are shown
   * on the console; nothing is thrown for a network or server failure.
   */
  public int run() {
    String name;
    try {
      // asked before connecting: the server allows only 10 s from accept to WELCOME
      name = usableName(settings.name());
    } catch (IOException e) {
      return fail(ExitCode.CONNECTION, "! cannot read input: " + describe(e));
    }
    if (name == null) {
      return console.interactive() ? ExitCode.OK : ExitCode.NOT_JOINED;
    }
    for (int attempt = 1; ; attempt++) {
      Socket socket = new Socket();
      try (socket) {
        try {
          socket.connect(new InetSocketAddress(settings.host(), settings.port()), CONNECT_TIMEOUT_MS);
        } catch (UnknownHostException e) {
          return fail(ExitCode.CONNECTION, "! cannot connect: unknown host " + settings.host());
        } catch (IOException e) {
          return fail(ExitCode.CONNECTION, "! cannot connect to " + settings.hostPort() + ": "
              + describe(e));
        }
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
        Integer failed = handshake(socket);
        if (failed != null) {
          return failed;
        }
        JoinResult joined = join(name);
        if (joined.retry()) {
          if (attempt > 1) {
            return fail(ExitCode.CONNECTION,
                "! connection lost: the server closed the connection before we joined");
          }
          console.problem("* the server stopped waiting while you answered; connecting again");
          name = joined.name();
          continue;
        }
        if (joined.exitCode() >= 0) {
          return joined.exitCode();
        }
        long idle = Math.max(settings.pingInterval().multipliedBy(3).toMillis(),
            MIN_IDLE_TIMEOUT.toMillis());
        socket.setSoTimeout((int) Math.min(idle, Integer.MAX_VALUE));
        return converse();
      } catch (IOException e) {
        return fail(ExitCode.CONNECTION, "! connection lost: " + describe(e));
      }
    }
  }

  /** Runs the handshake; returns null when trusted and ready, else the exit code. */
  private Integer handshake(Socket socket) throws IOException {
    try {
      FrameReader reader = new FrameReader(socket.getInputStream());
      FrameWriter writer = new FrameWriter(socket.getOutputStream());
      channel = new MessageChannel(
          ClientHandshake.run(reader, writer, random, verifier).channel(reader, writer));
      return null;
    } catch (UntrustedServerException e) {
      return ExitCode.UNTRUSTED;
    } catch (ProtocolException e) {
      String why = TerminalText.render(e.getMessage());
      return switch (e.reason()) {
        case BAD_SERVER_AUTH -> fail(ExitCode.UNTRUSTED, "! " + settings.hostPort()
            + " failed to prove its identity: " + why);
        case VERSION_MISMATCH -> fail(ExitCode.CONNECTION, "! " + settings.hostPort()
            + " speaks another LanChat version: " + why);
        default -> fail(ExitCode.CONNECTION, "! handshake with " + settings.hostPort()
            + " failed: " + why);
      };
    } catch (EOFException e) {
      return fail(ExitCode.CONNECTION, "! " + settings.hostPort()
          + " closed the connection during the handshake (is it a LanChat server?)");
    } catch (SocketTimeoutException e) {
      return fail(ExitCode.CONNECTION, "! " + settings.hostPort()
          + " did not answer the handshake (is it a LanChat server?)");
    }
  }

  /**
   * The outcome of joining: exit code -1 means joined; {@code retry} asks for one reconnect
   * (the server gave up while the user was answering a question), as {@code name}.
   */
  private record JoinResult(int exitCode, boolean retry, String name) {}

  /** Joins as {@code name} (valid); after a name error, asks for another when interactive. */
  private JoinResult join(String first) throws IOException {
    String name = first;
    boolean asked = verifier instanceof PinCheck pins && pins.askedUser();
    while (true) {
      ServerMessage reply;
      try {
        send(new ClientMessage.Join(name));
        reply = awaitJoinReply();
      } catch (SocketTimeoutException e) {
        return new JoinResult(fail(ExitCode.CONNECTION,
            "! connection lost: the server did not answer JOIN"), false, name);
      } catch (ProtocolException e) {
        throw e;
      } catch (IOException e) {
        // closed (EOF) or reset, depending on how the server's close and our JOIN crossed
        if (asked) {
          return new JoinResult(-1, true, name);
        }
        return new JoinResult(fail(ExitCode.CONNECTION,
            "! connection lost: the server closed the connection before we joined"), false, name);
      }
      switch (reply) {
        case ServerMessage.Welcome welcome -> {
          welcomed(welcome);
          return new JoinResult(-1, false, name);
        }
        case ServerMessage.Error error -> {
          console.event(format.error(error));
          if (!EventFormat.isNameProblem(error) || !console.interactive()) {
            return new JoinResult(ExitCode.NOT_JOINED, false, name);
          }
          name = usableName(null);
          asked = true;
          if (name == null) {
            return new JoinResult(ExitCode.OK, false, null);
          }
        }
        default -> {
          format.format(reply).ifPresent(console::event);
          return new JoinResult(ExitCode.NOT_JOINED, false, name);
        }
      }
    }
  }

  /** A valid name: {@code name} if valid, else asked for (interactive) or null. */
  private String usableName(String name) throws IOException {
    String candidate = name;
    while (true) {
      if (candidate != null) {
        var problem = Names.problem(candidate);
        if (problem.isEmpty()) {
          return candidate;
        }
        console.problem("! invalid name " + TerminalText.render(candidate) + ": " + problem.get());
      }
      if (!console.interactive()) {
        return null;
      }
      candidate = console.ask("Your name: ");
      if (candidate == null) {
        return null;
      }
      candidate = candidate.strip();
    }
  }

  /** Reads until the answer to JOIN: WELCOME, ERROR or BYE (PONGs and strays are skipped). */
  private ServerMessage awaitJoinReply() throws IOException {
    while (true) {
      ServerMessage m = channel.receiveFromServer();
      if (m instanceof ServerMessage.Welcome || m instanceof ServerMessage.Error
          || m instanceof ServerMessage.Bye) {
        return m;
      }
    }
  }

  private void welcomed(ServerMessage.Welcome welcome) {
    me = welcome.name();
    mention = Pattern.compile("(?<![A-Za-z0-9_.-])" + Pattern.quote(welcome.name())
        + "(?![A-Za-z0-9_.-])", Pattern.CASE_INSENSITIVE);
    names.addAll(welcome.users());
    for (String line : format.welcome(settings.hostPort(), welcome)) {
      console.event(line);
    }
  }

  /** The joined part of the session; returns the exit code. */
  private int converse() {
    ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(
        r -> daemon("lanchat-keepalive", r));
    try {
      long interval = settings.pingInterval().toNanos();
      long period = Math.max(settings.pingInterval().toMillis() / 4, 10);
      keepAlive.scheduleWithFixedDelay(() -> {
        if (System.nanoTime() - lastSent.get() >= interval) {
          trySend(new ClientMessage.Ping(tokens.incrementAndGet()));
        }
      }, period, period, TimeUnit.MILLISECONDS);
      daemon("lanchat-reader", this::readServer).start();
      daemon("lanchat-input", this::readInput).start();
      return outcome.join();
    } finally {
      keepAlive.shutdownNow();
    }
  }

  /** A daemon thread, so a console read that never returns cannot keep the JVM alive. */
  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private void readServer() {
    try {
      while (!outcome.isDone()) {
        ServerMessage m = channel.receiveFromServer();
        if (!handle(m)) {
          return;
        }
      }
    } catch (EOFException e) {
      end(ExitCode.CONNECTION, "! connection lost: the server closed the connection");
    } catch (SocketTimeoutException e) {
      end(ExitCode.CONNECTION, "! connection lost: the server stopped answering");
    } catch (ProtocolException e) {
      end(ExitCode.CONNECTION, "! connection closed: the server broke the protocol ("
          + TerminalText.render(e.getMessage()) + ")");
    } catch (IOException e) {
      end(ExitCode.CONNECTION, "! connection lost: " + describe(e));
    } finally {
      PendingPong pending = pendingPong.get();
      if (pending != null) {
        pending.answered().completeExceptionally(new EOFException("the connection is over"));
      }
    }
  }

  /** Shows one event; false when the server ended the session. */
  private boolean handle(ServerMessage m) {
    switch (m) {
      case ServerMessage.Pong pong -> {
        PendingPong pending = pendingPong.get();
        if (pending != null && pending.token() == pong.token()) {
          pending.answered().complete(null);
        }
        return true;
      }
      case ServerMessage.Bye bye -> {
        if (!leaving) {
          format.format(bye).ifPresent(console::event);
          end(ExitCode.CONNECTION, null);
        }
        return false;
      }
      case ServerMessage.Joined joined -> names.add(joined.name());
      case ServerMessage.Left left -> names.remove(left.name());
      case ServerMessage.Roster roster -> {
        names.clear();
        names.addAll(roster.users());
      }
      default -> { }
    }
    format.format(m).ifPresent(console::event);
    if (concernsMe(m)) {
      console.bell();
    }
    return true;
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

  private void readInput() {
    try {
      while (!outcome.isDone()) {
        String line = console.readLine();
        if (outcome.isDone()) {
          return;
        }
        if (line == null) {
          goodbye();
          return;
        }
        switch (Commands.parse(line)) {
          case Commands.Input.Say say -> trySend(new ClientMessage.Say(say.text()));
          case Commands.Input.Msg msg -> trySend(new ClientMessage.Dm(msg.to(), msg.text()));
          case Commands.Input.Who who -> trySend(new ClientMessage.Who());
          case Commands.Input.Quit quit -> {
            goodbye();
            return;
          }
          case Commands.Input.Help help -> Commands.HELP.forEach(console::event);
          case Commands.Input.Invalid invalid -> console.problem("! " + invalid.why());
          case Commands.Input.Blank blank -> { }
        }
      }
    } catch (IOException | RuntimeException e) {
      end(ExitCode.CONNECTION, "! cannot read input: " + describe(e));
    }
  }

  /**
   * Leaves politely: PING, wait for its PONG (the server has handled everything sent before),
   * then BYE.
   */
  private void goodbye() {
    PendingPong pending = new PendingPong(tokens.incrementAndGet(), new CompletableFuture<>());
    pendingPong.set(pending);
    // the reader ends the session before it fails the pending PONG: either it sees this one,
    // or the session is over already
    if (outcome.isDone() || !trySend(new ClientMessage.Ping(pending.token()))) {
      return;
    }
    try {
      pending.answered().get(GOODBYE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      end(ExitCode.CONNECTION, "! the server did not confirm the last lines within "
          + GOODBYE_TIMEOUT.toSeconds() + " s");
      return;
    } catch (ExecutionException e) {
      return; // the reader ended the session and said why
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    leaving = true;
    trySend(new ClientMessage.Bye());
    end(ExitCode.OK, null);
  }

  private void send(ClientMessage message) throws IOException {
    channel.send(message);
    lastSent.set(System.nanoTime());
  }

  /** Sends, or ends the session when the connection has failed; true when sent. */
  private boolean trySend(ClientMessage message) {
    try {
      send(message);
      return true;
    } catch (IOException e) {
      if (!leaving) {
        end(ExitCode.CONNECTION, "! connection lost: " + describe(e));
      }
      return false;
    }
  }

  /** Ends the session once; the first end wins and its message is shown. */
  private synchronized void end(int exitCode, String message) {
    if (outcome.isDone() || (leaving && exitCode != ExitCode.OK)) {
      return;
    }
    if (message != null) {
      console.problem(message);
    }
    outcome.complete(exitCode);
  }

  private int fail(int exitCode, String message) {
    console.problem(message);
    return exitCode;
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return TerminalText.render(message == null || message.isBlank()
        ? e.getClass().getSimpleName() : message);
  }

  /** The names currently known to be in the room (for tests and completion). */
  List<String> names() {
    return List.copyOf(names);
  }
}
