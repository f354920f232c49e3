package dev.lanchat.client;

import dev.lanchat.client.DiscoveryClient.Found;
import dev.lanchat.client.session.Problem;
import dev.lanchat.client.session.SessionSettings;
import dev.lanchat.common.BuildInfo;
import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.rules.Typos;
import dev.lanchat.common.storage.BadFileException;
import dev.lanchat.common.storage.LanchatHome;
import dev.lanchat.common.pake.JoinCode;
import dev.lanchat.common.trust.KnownPeers;
import dev.lanchat.common.trust.KnownServers;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code chat-client} command line: options in, a {@link ChatProgram} run, an exit
 * code out ({@link ExitCode}). Without {@code --host} the server is found by LAN discovery
 * ({@link DiscoveryClient}, chosen by {@link ServerFinder}); {@code --discover} only lists what
 * answered. Where input comes from and output goes is decided by the {@link Consoles} given,
 * so tests run the whole command in-process.
 */
@Command(
    name = "chat-client",
    mixinStandardHelpOptions = true,
    versionProvider = ClientCommand.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Joins a LanChat room: an encrypted terminal chat on your local network.",
      "You start in the room #general (or --room). Type a line to say it in the current room; "
          + "/join #ROOM enters another room, /help lists the commands: /join, /part, /switch, "
          + "/rooms, /topic, /who, /whois, /msg, /me, /nick, /away, /back, /ignore, /unignore, "
          + "/quit. A paste of several lines is sent as one message.",
      "When input is not a terminal, each input line is sent in order as one message and each "
          + "event is printed as one line: '12:01 <alice> hi' in the current room, "
          + "'12:01 #dev <alice> hi' in another; a message's further lines follow, each starting "
          + "with '  | '; the history shown on entering a room starts with '[history] '.",
      "Without --host, the client asks the local network which LanChat servers are there "
          + "(for about 1.5 s): if one answers it connects to it; if several answer it lets you "
          + "pick one by number at a terminal, and otherwise exits 2 listing them; if none "
          + "answers it exits 1. --discover only lists them.",
      "A lost connection is said in one line and retried, waiting 1 s, then twice as long each "
          + "time up to 30 s: at a terminal until you quit, from a script for --reconnect-for "
          + "seconds. Each reconnect checks the server's key again. Once back, the client says "
          + "so, enters its rooms again and shows what was missed, each message once; lines "
          + "typed meanwhile (up to 100) and lines the server had not confirmed are sent then.",
      ""
    },
    footerHeading = "%nServer trust:%n",
    footer = {
      "The first time you connect to a server, its key fingerprint is shown and you are asked "
          + "whether to trust it; the key is then pinned in the known-servers file. A server "
          + "whose key later differs is refused, and you are told the command that makes a "
          + "genuine change stick: --forget HOST:PORT, or --fingerprint with --replace-pin. Without a terminal an unknown server is refused unless "
          + "--accept-new or --fingerprint is given. --fingerprint wins over the file both "
          + "ways: a matching key is trusted even if another key is pinned (that pin is left "
          + "as it is, unless --replace-pin is given), and an unknown server with a matching "
          + "key is pinned; a key that does "
          + "not match is refused.",
      "Discovery replies are signed, and unsigned or forged ones are dropped, but a reply only "
          + "says where a server is: connecting to a found server follows the rules above. One "
          + "addition: when a found server's key is already pinned under another address (its "
          + "address changed), that key is expected at the new address as if --fingerprint had "
          + "been given, so the handshake must prove that very key, and the new address is "
          + "then pinned too."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:you quit, or input ended and the server confirmed everything sent",
      "1:the connection failed, or was lost and not back within --reconnect-for, no server "
          + "answered discovery, or the identity file cannot be used",
      "2:usage error, or several servers answered discovery and none was chosen",
      "3:the server is not trusted (unknown, changed key, bad known-servers file), the "
          + "known-peers file cannot be used, or you pressed Ctrl-C or Ctrl-D at the trust or "
          + "the name question",
      "4:could not join (name taken, invalid or bound to another key, server full, or your "
          + "key is not allowed: the message shows your fingerprint and the admin's command)",
      "5:input was read to its end but a line failed: not sent (unknown command, refused "
          + "text) or refused by the server (no such user); each error on stderr names its line",
      "6:the join code did not match (mistyped, expired, used up, or the connection was "
          + "intercepted); nothing was pinned"
    })
public final class ClientCommand implements Callable<Integer> {

  /** Opens the console a session uses. */
  @FunctionalInterface
  public interface Consoles {
    /**
     * Opens a console; {@code color} is false when the user or NO_COLOR turned colour off.
     *
     * @throws IOException if no console can be opened
     */
    Console open(boolean color) throws IOException;
  }

  /** Prints the version, protocol version, git commit and JDK ({@link BuildInfo}). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return BuildInfo.current().versionLines("LanChat client").toArray(String[]::new);
    }
  }

  /** A week: long enough for any script, short enough to stay far from overflow. */
  private static final long MAX_RECONNECT_SECONDS = 7 * 24 * 3600;

  @Spec
  private CommandSpec spec;

  @Option(names = "--host", paramLabel = "HOST[:PORT]",
      description = "Server address: a host name or IP address, with the port after a colon if"
          + " it is not --port's ([IPv6]:PORT for an IPv6 address). Without it, the client "
          + "looks for servers on the local network.")
  private String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "5000",
      description = "Server TCP port, and the UDP port discovery asks on (default: "
          + "${DEFAULT-VALUE}). A found server is joined on the TCP port it announces.")
  private int port;

  @Option(names = "--discover",
      description = "List the LanChat servers that answer on the local network within about "
          + "1.5 s, one line each: name, address:port, key fingerprint and whether it is pinned;"
          + " then exit (1 if none answered).")
  private boolean discover;

  @Option(names = "--discovery-address", paramLabel = "ADDR",
      description = "Where discovery requests go, on UDP port --port (repeatable): a server's "
          + "address or a broadcast address. Default: the broadcast address of each IPv4 "
          + "network this computer is on.")
  private List<String> discoveryAddresses = new ArrayList<>();

  @Option(names = "--name", paramLabel = "NAME",
      description = "Your name: 1-24 ASCII letters, digits, _ - . starting with a letter or "
          + "digit. Asked for when missing and input is a terminal; required otherwise.")
  private String name;

  @Option(names = "--known-servers", paramLabel = "FILE",
      description = {"Pinned server keys.", "Default: ~/.lanchat/known_servers"})
  private Path knownServers = LanchatHome.file("known_servers");

  @Option(names = "--join-code", paramLabel = "CODE",
      description = "A join code from the server's admin (chat-server invite), such as "
          + "7-crater-lantern: it proves the server and gets your key allowed, so the server is "
          + "pinned without asking. A wrong code stops at once (exit 6) and pins nothing.")
  private String joinCode;

  @Option(names = "--known-peers", paramLabel = "FILE",
      description = {"The members' keys seen on each server: a known name that comes back with "
          + "another key is warned about loudly.",
          "Default: known_peers next to the known-servers file (~/.lanchat/known_peers)"})
  private Path knownPeers;

  @Option(names = "--identity", paramLabel = "FILE",
      description = {"Your key (PKCS#8 PEM), created owner-only on first use; it is never "
          + "replaced, even when it cannot be read.", "Default: ~/.lanchat/identity.pem"})
  private Path identity = LanchatHome.file("identity.pem");

  @Option(names = "--show-identity",
      description = "Print your key's fingerprint (SHA256:...) and exit; the key is created if "
          + "there is none yet. Give it to a server's admin for chat-server allow.")
  private boolean showIdentity;

  @Option(names = "--accept-new",
      description = "Trust and pin a server not seen before without asking (for scripts).")
  private boolean acceptNew;

  @Option(names = "--fingerprint", paramLabel = "SHA256:...",
      description = "The server key fingerprint you expect, as the server prints it at start-up."
          + " Wins over the known-servers file.")
  private String fingerprint;

  @Option(names = "--replace-pin",
      description = "With --fingerprint: when another key is pinned for this server, replace "
          + "that pin by the matching key (atomically), so the next plain run trusts it.")
  private boolean replacePin;

  @Option(names = "--forget", paramLabel = "HOST[:PORT]",
      description = "Remove the pinned key of HOST:PORT (PORT defaults to --port) from the "
          + "known-servers file, atomically, and exit; the next run meets the server as new. "
          + "For a server whose key changed and whose operator confirmed the new fingerprint.")
  private String forget;

  @Option(names = "--reconnect-for", paramLabel = "SECONDS", defaultValue = "60",
      description = "When input is not a terminal: after a lost connection, try to reconnect "
          + "for this long (default: ${DEFAULT-VALUE}; 0: never), then exit 1. At a terminal the "
          + "client tries until you quit. Waits grow from 1 s to 30 s.")
  private long reconnectFor;

  @Option(names = "--log", paramLabel = "DIR",
      description = "Append every event shown, as the lines a script gets, to one file per "
          + "server and day: DIR/HOST_PORT-YYYY-MM-DD.log. DIR is created owner-only if "
          + "missing, each file is owner-only (0600). Off by default: no chat is written to disk.")
  private Path log;

  @Option(names = "--no-color", description = "No colours (also when NO_COLOR is set).")
  private boolean noColor;

  @Mixin
  private RoomOptions rooms = new RoomOptions();

  // tests shorten the keep-alive; users have no reason to change the protocol's 30 s
  @Option(names = "--ping-interval-ms", hidden = true, defaultValue = "30000")
  private long pingIntervalMs;

  // tests shorten the wait for discovery replies; 1.5 s suits a LAN
  @Option(names = "--discovery-wait-ms", hidden = true, defaultValue = "1500")
  private long discoveryWaitMs;

  private final Consoles consoles;
  private final Map<String, String> env;
  private final ZoneId zone;

  /**
   * @param consoles opens the console for the session
   * @param env the environment (NO_COLOR)
   * @param zone the time zone of the timestamps
   */
  public ClientCommand(Consoles consoles, Map<String, String> env, ZoneId zone) {
    this.consoles = Objects.requireNonNull(consoles, "consoles");
    this.env = Map.copyOf(env);
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /** The command for this process: its terminal when stdin is one, else plain lines. */
  public static ClientCommand forThisProcess() {
    boolean interactive = stdinIsTerminal();
    Consoles consoles = color -> interactive
        ? InteractiveConsole.system(color)
        : new PipedConsole(System.in, utf8(FileDescriptor.out), utf8(FileDescriptor.err));
    return new ClientCommand(consoles, System.getenv(), ZoneId.systemDefault());
  }

  /**
   * A picocli command line for {@code command}: a usage mistake gets its one-line reason and a
   * pointer to {@code --help}, never the whole usage or a stack trace.
   */
  public static CommandLine commandLine(ClientCommand command) {
    CommandLine cl = new CommandLine(command);
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine line = e.getCommandLine();
      line.getErr().println("! " + usageError(e));
      line.getErr().println("Run chat-client --help for the options.");
      line.getErr().flush();
      return ExitCode.USAGE;
    });
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("! unexpected error: " + e);
      line.getErr().flush();
      return ExitCode.CONNECTION;
    });
    return cl;
  }

  @Override
  public Integer call() {
    List<InetAddress> discoveryTargets = validate();
    if (showIdentity) {
      return showIdentity();
    }
    if (forget != null) {
      return forget();
    }
    boolean color = !noColor && env.getOrDefault("NO_COLOR", "").isEmpty();
    Console console;
    try {
      console = consoles.open(color);
    } catch (IOException e) {
      spec.commandLine().getErr().println("! cannot open the terminal: " + Problem.describe(e));
      return ExitCode.CONNECTION;
    }
    try (console) {
      return run(console, discoveryTargets);
    } catch (IOException e) { // what run() did not say itself; the terminal is not to blame
      spec.commandLine().getErr().println("! " + Problem.describe(e));
      return ExitCode.CONNECTION;
    }
  }

  /** With the console open: the trust files, then {@link #connect}. */
  private int run(Console console, List<InetAddress> discoveryTargets) throws IOException {
    if (name == null && !console.interactive() && !discover) {
      throw new ParameterException(spec.commandLine(),
          "--name is required when input is not a terminal");
    }
    KnownServers known;
    try {
      known = KnownServers.load(knownServers);
    } catch (BadFileException e) {
      UnusableFile.tell(console, "known-servers file", e);
      return ExitCode.UNTRUSTED;
    }
    Optional<ChatProgram.RoomSettings> conversation = rooms.settings(knownServers, console);
    if (conversation.isEmpty()) {
      return ExitCode.UNTRUSTED;
    }
    KnownPeers peers;
    Path peersFile = knownPeers != null ? knownPeers
        : knownServers.toAbsolutePath().resolveSibling("known_peers");
    try {
      peers = KnownPeers.load(peersFile);
    } catch (BadFileException e) {
      UnusableFile.tell(console, "known-peers file", e);
      return ExitCode.UNTRUSTED;
    }
    return connect(console, known, peers, discoveryTargets, conversation.get());
  }

  /** Finds the server (by discovery unless --host), loads the identity, then {@link #chat}s. */
  private int connect(Console console, KnownServers known, KnownPeers peers,
      List<InetAddress> discoveryTargets, ChatProgram.RoomSettings conversation)
      throws IOException {
    String serverHost = host;
    int serverPort = port;
    String expected = fingerprint;
    if (host == null) {
      ServerFinder finder = new ServerFinder(known, console);
      List<Found> found = discover(discoveryTargets, console);
      if (found == null) {
        return ExitCode.CONNECTION;
      }
      if (discover) {
        return finder.list(found);
      }
      ServerFinder.Choice choice = finder.choose(found);
      if (choice instanceof ServerFinder.Choice.Stop stop) {
        return stop.exitCode();
      }
      ServerFinder.Choice.Connect chosen = (ServerFinder.Choice.Connect) choice;
      serverHost = chosen.server().tcpAddress().getAddress().getHostAddress();
      serverPort = chosen.server().tcpAddress().getPort();
      if (expected == null) {
        expected = chosen.expectedFingerprint();
      }
    }
    Identity me;
    try {
      me = Identity.loadOrCreate(identity, new SecureRandom());
    } catch (BadFileException e) {
      console.problem("! cannot use the identity file " + e.getMessage());
      console.problem("! It was left untouched: fix it, or point --identity elsewhere.");
      return ExitCode.CONNECTION;
    } catch (IOException e) { // not "cannot open the terminal", which call() would say
      console.problem("! cannot create the identity file " + identity + ": "
          + Problem.describe(e));
      return ExitCode.CONNECTION;
    }
    return chat(console, known, peers, me, serverHost, serverPort, expected, conversation);
  }

  /** Runs the chat with the server at {@code host:port}, trusted as {@link PinCheck} decides. */
  private int chat(Console console, KnownServers known, KnownPeers peers, Identity me,
      String host, int port, String expected, ChatProgram.RoomSettings conversation) {
    PinCheck pins = new PinCheck(known, KnownServers.hostPort(host, port), expected, acceptNew,
        replacePin, console);
    SessionSettings session = SessionSettings.of(host, port, me)
        .withPingInterval(Duration.ofMillis(pingIntervalMs));
    if (joinCode != null) {
      session = session.withJoinCode(JoinCode.parse(joinCode));
    }
    Optional<Duration> retry = Optional.of(Duration.ofSeconds(reconnectFor));
    return new ChatProgram(new ChatProgram.Settings(session, name, zone, retry,
        Optional.ofNullable(log), Optional.of(identity)), console, pins, peers, conversation)
        .run();
  }

  /**
   * Prints this client's fingerprint on stdout, creating the key first when there is none (and
   * saying so on stderr, so stdout stays one line for scripts).
   */
  private int showIdentity() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean created = !Files.exists(identity, LinkOption.NOFOLLOW_LINKS);
    try {
      Identity key = Identity.loadOrCreate(identity, new SecureRandom());
      if (created) {
        err.println("Created a new identity key in " + identity);
      }
      out.println(key.fingerprint());
      return ExitCode.OK;
    } catch (BadFileException e) {
      err.println("! cannot use the identity file " + e.getMessage());
      err.println("! It was left untouched: fix it, or point --identity elsewhere.");
      return ExitCode.CONNECTION;
    } catch (IOException e) {
      err.println("! cannot create the identity file " + identity + ": " + e.getMessage());
      return ExitCode.CONNECTION;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * A usage error as a person should read it: picocli's own sentence, except for a word the
   * command does not take: an unknown option with the nearest ones, or a bare word (a server's
   * address typed without {@code --host}, say) with the option it needs.
   */
  static String usageError(ParameterException e) {
    if (!(e instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
      return e.getMessage();
    }
    String word = u.getUnmatched().get(0);
    return word.startsWith("-")
        ? Typos.unknown("option", word, e.getCommandLine().getCommandSpec().optionsMap().keySet())
        : "chat-client takes options only, not " + word + "; to name the server, write --host "
            + word;
  }

  /** {@code --forget}: removes the pins of one {@code host:port}, saying what was removed. */
  private int forget() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String hostPort = forgetTarget();
    try {
      List<KnownServers.Pin> removed = KnownServers.load(knownServers).forget(hostPort);
      if (removed.isEmpty()) {
        err.println("! nothing is pinned for " + hostPort + " in " + knownServers);
        return ExitCode.USAGE;
      }
      for (KnownServers.Pin pin : removed) {
        out.println("* forgot " + hostPort + " (" + pin.fingerprint() + "), line " + pin.line()
            + " of " + knownServers);
      }
      return ExitCode.OK;
    } catch (BadFileException e) {
      err.println("! cannot use the known-servers file: " + e.getMessage());
      return ExitCode.UNTRUSTED;
    } catch (IOException e) {
      err.println("! cannot write " + knownServers + ": " + e.getMessage());
      return ExitCode.UNTRUSTED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** {@code --forget}'s argument as pins are keyed: {@code host:port}, --port when none given. */
  private String forgetTarget() {
    ServerAddress target = ServerAddress.parse(forget); // checked in validate()
    return KnownServers.hostPort(target.host(), target.port().orElse(port));
  }

  /**
   * Runs discovery; returns the servers found (only those whose reply verified), or null when
   * discovery itself failed (the user was told).
   */
  private List<Found> discover(List<InetAddress> addresses, Console console) {
    try {
      List<InetSocketAddress> targets = new ArrayList<>();
      if (addresses.isEmpty()) {
        targets.addAll(DiscoveryClient.defaultTargets(port));
      } else {
        addresses.forEach(a -> targets.add(new InetSocketAddress(a, port)));
      }
      return DiscoveryClient.discover(targets, Duration.ofMillis(discoveryWaitMs),
          new SecureRandom());
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      console.problem("! cannot look for servers on the local network: " + why
          + "; pass --host");
      return null;
    }
  }

  /**
   * Splits {@code --host HOST:PORT} (or {@code [IPv6]:PORT}) into {@link #host} and
   * {@link #port}; a port given both ways must be the same.
   */
  private void takeHostAndPort(CommandLine cl) {
    ServerAddress given;
    try {
      given = ServerAddress.parse(host);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cl, "--host " + host.strip() + ": " + e.getMessage()
          + " (it takes HOST, HOST:PORT or [IPv6]:PORT)");
    }
    if (given.port().isPresent()) {
      int named = given.port().getAsInt();
      if (cl.getParseResult().hasMatchedOption("--port") && named != port) {
        throw new ParameterException(cl, "--host " + host.strip() + " names port " + named
            + " and --port says " + port + ": give the port once");
      }
      port = named;
    }
    host = given.host();
  }

  /** Checks the options; returns the resolved {@code --discovery-address} values. */
  private List<InetAddress> validate() {
    CommandLine cl = spec.commandLine();
    if (host != null && host.isBlank()) {
      throw new ParameterException(cl, "--host must not be empty: give the server's address, "
          + "for example --host 192.168.1.20, or leave it out to look for servers");
    }
    if (discover && host != null) {
      throw new ParameterException(cl, "--discover lists the servers on the local network; "
          + "it takes no --host (use --discovery-address to ask one address)");
    }
    if (host != null && !discoveryAddresses.isEmpty()) {
      throw new ParameterException(cl, "--discovery-address is used only without --host");
    }
    if (port < 1 || port > 65_535) {
      throw new ParameterException(cl, "--port must be between 1 and 65535, not " + port);
    }
    if (host != null) {
      takeHostAndPort(cl);
    }
    if (replacePin && fingerprint == null) {
      throw new ParameterException(cl, "--replace-pin needs --fingerprint: the key that "
          + "replaces the pin must be the one you confirmed with the server's operator");
    }
    if (forget != null && (forget.isBlank() || host != null || discover || fingerprint != null)) {
      throw new ParameterException(cl, "--forget takes HOST or HOST:PORT and no --host, "
          + "--discover or --fingerprint: it only removes a pin, then exits");
    }
    if (forget != null) {
      try {
        ServerAddress.parse(forget);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(cl, "--forget " + forget.strip() + ": " + e.getMessage()
            + " (it takes HOST, HOST:PORT or [IPv6]:PORT)");
      }
    }
    if (fingerprint != null && !Fingerprint.isWellFormed(fingerprint)) {
      throw new ParameterException(cl, "--fingerprint must look like SHA256: followed by 43 "
          + "base64 characters, as the server prints it at start-up");
    }
    if (joinCode != null && JoinCode.problem(joinCode).isPresent()) {
      throw new ParameterException(cl, "--join-code: " + JoinCode.problem(joinCode).orElseThrow()
          + " (a code looks like 7-crater-lantern)");
    }
    rooms.validate(cl);
    if (reconnectFor < 0 || reconnectFor > MAX_RECONNECT_SECONDS) {
      throw new ParameterException(cl, "--reconnect-for must be 0 (never) to "
          + MAX_RECONNECT_SECONDS + " seconds, not " + reconnectFor);
    }
    if (log != null) {
      try {
        ChatLog.prepare(log);
      } catch (IOException e) {
        throw new ParameterException(cl, "--log: cannot use " + log + " as the chat log's "
            + "folder: " + e.getMessage());
      }
    }
    if (pingIntervalMs < 1) {
      throw new ParameterException(cl, "--ping-interval-ms must be positive");
    }
    if (discoveryWaitMs < 1 || discoveryWaitMs > DiscoveryClient.MAX_WAIT.toMillis()) {
      throw new ParameterException(cl, "--discovery-wait-ms must be 1 to "
          + DiscoveryClient.MAX_WAIT.toMillis());
    }
    return resolveDiscoveryAddresses(cl);
  }

  /** The {@code --discovery-address} values, resolved; a blank or unknown one is a usage error. */
  private List<InetAddress> resolveDiscoveryAddresses(CommandLine cl) {
    List<InetAddress> resolved = new ArrayList<>();
    for (String address : discoveryAddresses) {
      if (address.isBlank()) {
        throw new ParameterException(cl, "--discovery-address must not be empty");
      }
      try {
        resolved.add(InetAddress.getByName(address.strip()));
      } catch (UnknownHostException e) {
        throw new ParameterException(cl, "--discovery-address: unknown host " + address);
      }
    }
    return resolved;
  }

  private static PrintStream utf8(FileDescriptor fd) {
    return new PrintStream(new FileOutputStream(fd), true, StandardCharsets.UTF_8);
  }

  /**
   * True when stdin and stdout are a terminal. {@code Console.isTerminal()} (JDK 22+) says so
   * exactly; on JDK 21 {@code System.console()} is null unless both are a terminal.
   */
  static boolean stdinIsTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
