package dev.lanchat.server;

import ch.qos.logback.classic.Level;
import dev.lanchat.common.BuildInfo;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.rules.Typos;
import dev.lanchat.common.storage.BadFileException;
import dev.lanchat.common.storage.LanchatHome;
import dev.lanchat.server.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code chat-server} command line: its options (each with its default in {@code --help})
 * and {@link #call}, which starts a {@link ChatServer}, prints where it listens, and returns an
 * exit code once the server has stopped.
 */
@Command(name = "chat-server", mixinStandardHelpOptions = true,
    versionProvider = ServerCommand.Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    subcommands = {dev.lanchat.server.admin.AllowCommand.class,
        dev.lanchat.server.admin.DenyCommand.class, dev.lanchat.server.admin.NamesCommand.class,
        dev.lanchat.server.admin.ReleaseCommand.class,
        dev.lanchat.server.admin.InviteCommand.class,
        dev.lanchat.server.admin.InvitesCommand.class,
        dev.lanchat.server.admin.RevokeCommand.class},
    description = "Runs a LanChat server: a secure chat room for your local network.")
public final class ServerCommand implements Callable<Integer> {
  /** Exit code for a server that could not start (port in use, bad identity file...). */
  static final int FAILED = 1;
  /** Exit code for a bad option. */
  static final int USAGE = 2;
  /** Protocol §8: a server answers at most 20 discovery requests a second. */
  private static final int DISCOVERY_REPLIES_PER_SECOND = 20;
  /** Every option's default comes from here, so each default is written once, in ServerConfig. */
  private static final ServerConfig DEFAULTS = ServerConfig.defaults();

  @Spec
  private CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "read option defaults from FILE, one per line as key=value, the key being an"
          + " option's name without dashes (port=5001); options given here win over the file"
          + " (default: ~/.lanchat/server.properties, when it exists)")
  private Path configFile;

  @Option(names = "--port", paramLabel = "PORT",
      description = "TCP port to listen on (LAN discovery answers on the same UDP port)"
          + " (default: ${DEFAULT-VALUE})")
  private int port = DEFAULTS.port();

  @Option(names = "--bind", paramLabel = "ADDRESS",
      description = "local address to listen on; 0.0.0.0 means every interface"
          + " (default: ${DEFAULT-VALUE})")
  private String bind = DEFAULTS.bind().getHostAddress();

  @Option(names = "--identity", paramLabel = "FILE",
      // the default path on a line of its own: picocli breaks a word longer than what is left
      // of a line, and a path has no space to break at
      description = {"the server's identity key (PKCS#8 PEM), created on first start; default:",
          "${DEFAULT-VALUE}"})
  private Path identity = DEFAULTS.identityFile();

  @Option(names = "--name", paramLabel = "NAME",
      description = "server name shown to clients, at most 48 UTF-8 bytes"
          + " (default: this host's name, ${DEFAULT-VALUE})")
  private String name = DEFAULTS.name();

  @Option(names = "--motd", paramLabel = "TEXT",
      description = "message of the day sent to everyone who joins (default: none)")
  private String motd = DEFAULTS.motd();

  @Option(names = "--max-clients", paramLabel = "N",
      description = "most clients connected at once (default: ${DEFAULT-VALUE})")
  private int maxClients = DEFAULTS.maxClients();

  @Option(names = "--rate", paramLabel = "PER_SECOND",
      description = "messages each client may send per second, sustained; 0 switches the limit"
          + " off (default: ${DEFAULT-VALUE})")
  private double rate = DEFAULTS.rate();

  @Option(names = "--burst", paramLabel = "N",
      description = "messages each client may send at once (default: ${DEFAULT-VALUE})")
  private int burst = DEFAULTS.burst();

  @Option(names = "--connect-rate", paramLabel = "PER_SECOND",
      description = "new connections per second from one source address; 0 switches the limit"
          + " off (default: ${DEFAULT-VALUE})")
  private double connectRate = DEFAULTS.connectRate();

  @Option(names = "--connect-burst", paramLabel = "N",
      description = "new connections at once from one source address (default: ${DEFAULT-VALUE})")
  private int connectBurst = DEFAULTS.connectBurst();

  @Option(names = "--handshake-timeout", paramLabel = "SECONDS",
      description = "seconds from connecting to joining before the server hangs up; 0 waits"
          + " forever (default: ${DEFAULT-VALUE})")
  private long handshakeTimeout = DEFAULTS.handshakeTimeout().toSeconds();

  @Option(names = "--idle-timeout", paramLabel = "SECONDS",
      description = "seconds of silence after which a joined client is dropped (\"timed out\");"
          + " 0 waits forever (default: ${DEFAULT-VALUE})")
  private long idleTimeout = DEFAULTS.idleTimeout().toSeconds();

  @Option(names = "--max-backlog", paramLabel = "N",
      description = "messages waiting for one client before it is dropped (\"too slow\")"
          + " (default: ${DEFAULT-VALUE})")
  private int maxBacklog = DEFAULTS.maxBacklog();

  @Option(names = "--max-backlog-bytes", paramLabel = "BYTES",
      description = "bytes waiting for one client before it is dropped (\"too slow\")"
          + " (default: ${DEFAULT-VALUE}, 4 MiB)")
  private long maxBacklogBytes = DEFAULTS.maxBacklogBytes();

  @Option(names = "--max-handshakes", paramLabel = "N",
      description = "connections still in the handshake at once; a new one closes the oldest"
          + " (default: ${DEFAULT-VALUE})")
  private int maxHandshakes = DEFAULTS.maxHandshakes();

  @Option(names = "--max-per-address", paramLabel = "N",
      description = "connections open at once from one address (IPv6: one /64)"
          + " (default: ${DEFAULT-VALUE})")
  private int maxPerAddress = DEFAULTS.maxPerAddress();

  @Option(names = "--max-outbound-bytes", paramLabel = "BYTES",
      description = "bytes waiting to be written to all clients together; the client that"
          + " overflows it is dropped (\"too slow\") (default: ${DEFAULT-VALUE}, 64 MiB)")
  private long maxOutboundBytes = DEFAULTS.maxOutboundBytes();

  @Option(names = "--room-rate", paramLabel = "PER_SECOND",
      description = "messages the whole room may carry per second, from everyone together; 0"
          + " switches the limit off (default: ${DEFAULT-VALUE})")
  private double roomRate = DEFAULTS.roomBudget().messagesPerSecond();

  @Option(names = "--room-burst", paramLabel = "N",
      description = "messages the whole room may carry at once (default: ${DEFAULT-VALUE})")
  private int roomBurst = DEFAULTS.roomBudget().messageBurst();

  @Option(names = "--room-byte-rate", paramLabel = "BYTES",
      description = "message bytes the whole room may carry per second; 0 switches the limit"
          + " off (default: ${DEFAULT-VALUE})")
  private double roomByteRate = DEFAULTS.roomBudget().bytesPerSecond();

  @Option(names = "--room-byte-burst", paramLabel = "BYTES",
      description = "message bytes the whole room may carry at once (default: ${DEFAULT-VALUE})")
  private long roomByteBurst = DEFAULTS.roomBudget().byteBurst();
  @Option(names = "--data", paramLabel = "FILE",
      // the default path on a line of its own, as for --identity
      description = {"the server's store (SQLite): name bindings, the allowlist, invites,"
          + " room history and waiting DMs;"
          + " created owner-only on first start, never replaced; default:", "${DEFAULT-VALUE}"})
  private Path data = DEFAULTS.dataFile();

  @Option(names = "--access", paramLabel = "MODE",
      description = "who may join: open (any client key; names are bound to keys) or allowlist"
          + " (only keys added with chat-server allow) (default: open)")
  private String access = DEFAULTS.access().name().toLowerCase(Locale.ROOT);

  @Option(names = "--max-rooms", paramLabel = "N",
      description = "rooms with members at once; entering a new room beyond it is refused"
          + " (default: ${DEFAULT-VALUE})")
  private int maxRooms = DEFAULTS.maxRooms();

  @Option(names = "--max-rooms-per-client", paramLabel = "N",
      description = "rooms one client may be in at once (default: ${DEFAULT-VALUE})")
  private int maxRoomsPerClient = DEFAULTS.maxRoomsPerClient();

  @Mixin
  private HistoryOptions history = new HistoryOptions();

  @Option(names = "--no-discovery",
      description = "do not answer LAN discovery requests (UDP, same port)")
  private boolean noDiscovery;

  @Option(names = {"-v", "--verbose"},
      description = "log more (the same as --log-level DEBUG)")
  private boolean verbose;

  @Option(names = "--log-level", paramLabel = "LEVEL",
      description = "ERROR, WARN, INFO, DEBUG or TRACE (default: ${DEFAULT-VALUE})")
  private String logLevel = "INFO";

  private final Consumer<ChatServer> onStarted;
  private ConfigFileDefaults defaults = new ConfigFileDefaults(() -> null, Path.of(""));

  /** A command that only waits for its server to be closed (by a signal handler, say). */
  public ServerCommand() {
    this(server -> { });
  }

  /**
   * @param onStarted called with the running server after the banner is printed; {@link Main}
   *     installs its signal handlers here, tests keep the server to close it
   */
  ServerCommand(Consumer<ChatServer> onStarted) {
    this.onStarted = onStarted;
  }

  /**
   * A command line for {@code command}: option defaults may come from a configuration file
   * ({@link ConfigFileDefaults}), and a bad option is one line on stderr naming where the value
   * came from.
   */
  static CommandLine commandLine(ServerCommand command) {
    CommandLine cl = new CommandLine(command);
    ConfigFileDefaults defaults = new ConfigFileDefaults(() -> command.configFile,
        LanchatHome.file("server.properties"));
    command.defaults = defaults;
    cl.setDefaultValueProvider(defaults);
    cl.setParameterExceptionHandler((e, args) -> {
      String where = defaults.source(e.getArgSpec()).map(source -> source + ": ").orElse("");
      e.getCommandLine().getErr().println("chat-server: " + where + usageError(e)
          + " (see chat-server --help)");
      return USAGE;
    });
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("chat-server: unexpected failure: " + e);
      return FAILED;
    });
    return cl;
  }

  /**
   * A usage error as a person should read it: picocli's own sentence, except for a word the
   * command does not take, which is named with the nearest options or commands.
   */
  static String usageError(CommandLine.ParameterException e) {
    if (!(e instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
      return e.getMessage();
    }
    String first = u.getUnmatched().get(0);
    CommandSpec spec = e.getCommandLine().getCommandSpec();
    if (first.startsWith("-")) {
      return Typos.unknown("option", first, spec.optionsMap().keySet());
    }
    Set<String> commands = spec.subcommands().keySet();
    if (commands.isEmpty()) { // an admin command given one word too many
      return "unexpected argument " + first;
    }
    List<String> near = Typos.nearest(first, commands);
    return "unknown command " + first
        + (near.isEmpty() ? "; the commands are " + String.join(", ", commands) : Typos.hint(near));
  }

  /** Why the command stops before serving: the line for stderr and the exit code. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    Refusal(int exitCode, String line) {
      super(line, null, false, false);
      this.exitCode = exitCode;
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      applyFlags();
      applyLogLevel();
      ServerConfig config = config();
      boolean created = !Files.exists(identity, LinkOption.NOFOLLOW_LINKS);
      Identity key = identity();
      ChatServer server = start(config, key);
      OpenFileLimit.warning(config.maxClients(), config.maxHandshakes(),
              OpenFileLimit.ofThisProcess())
          .ifPresent(LoggerFactory.getLogger(ServerCommand.class)::warn);
      if (created) {
        out.println("Created a new identity key in " + identity);
      }
      String discovery = startDiscovery(server, config);
      for (String line : StartupBanner.lines(config.name(), config.bind(), server.port(),
          key.fingerprint(), LanAddresses.find())) {
        out.println(line);
      }
      StartupBanner.accessLine(config.access()).ifPresent(out::println);
      out.println(discovery);
      out.println("Press Ctrl+C to stop.");
      out.flush();
      onStarted.accept(server);
      server.awaitClosed();
      out.println("Server stopped.");
      out.flush();
      return 0;
    } catch (Refusal r) {
      spec.commandLine().getErr().println("chat-server: " + r.getMessage());
      return r.exitCode;
    }
  }

  /** The flags as the command line or else the configuration file gives them. */
  private void applyFlags() throws Refusal {
    try {
      noDiscovery = defaults.flag(option("noDiscovery"));
      verbose = defaults.flag(option("verbose"));
    } catch (IllegalArgumentException e) {
      throw new Refusal(USAGE, e.getMessage() + " (see chat-server --help)");
    }
  }

  private void applyLogLevel() throws Refusal {
    Level level = verbose ? Level.DEBUG : Level.toLevel(logLevel.toUpperCase(Locale.ROOT), null);
    if (level == null) {
      throw new Refusal(USAGE, from("logLevel")
          + "--log-level must be ERROR, WARN, INFO, DEBUG or TRACE, not " + logLevel);
    }
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.lanchat")).setLevel(level);
  }

  private ServerConfig config() throws Refusal {
    try {
      return ServerConfig.builder().bind(InetAddress.getByName(bind)).port(port)
          .identityFile(identity).name(name).motd(motd).maxClients(maxClients)
          .messageRate(rate, burst).connectRate(connectRate, connectBurst)
          .handshakeTimeout(seconds(handshakeTimeout, "handshakeTimeout", "handshake"))
          .idleTimeout(seconds(idleTimeout, "idleTimeout", "idle"))
          .backlog(maxBacklog, maxBacklogBytes).discovery(!noDiscovery)
          .maxHandshakes(maxHandshakes).maxPerAddress(maxPerAddress)
          .maxOutboundBytes(maxOutboundBytes)
          .roomBudget(new ServerConfig.RoomBudget(roomRate, roomBurst, roomByteRate,
              roomByteBurst))
          .dataFile(data).access(access()).retention(history.retention())
          .maxRooms(maxRooms).maxRoomsPerClient(maxRoomsPerClient).build();
    } catch (UnknownHostException e) {
      throw new Refusal(USAGE, from("bind") + "--bind " + bind
          + " is not an address of this machine");
    } catch (ServerConfig.InvalidSetting e) {
      throw new Refusal(USAGE, from(e.setting()) + e.getMessage() + " (see chat-server --help)");
    }
  }

  private ServerConfig.Access access() throws Refusal {
    return switch (access.strip().toLowerCase(Locale.ROOT)) {
      case "open" -> ServerConfig.Access.OPEN;
      case "allowlist" -> ServerConfig.Access.ALLOWLIST;
      default -> throw new Refusal(USAGE, from("access") + "--access must be open or allowlist,"
          + " not " + access + " (see chat-server --help)");
    };
  }

  /**
   * {@code "FILE: key: "} when the option held in field {@code field} took its value from the
   * configuration file, so the error says where to look; {@code ""} otherwise.
   */
  private String from(String field) {
    CommandLine.Model.OptionSpec option = option(field);
    return option == null ? "" : defaults.source(option).map(source -> source + ": ").orElse("");
  }

  /** The option held in field {@code field}, or null. */
  private CommandLine.Model.OptionSpec option(String field) {
    for (CommandLine.Model.OptionSpec option : spec.options()) {
      if (option.userObject() instanceof java.lang.reflect.Field f && f.getName().equals(field)) {
        return option;
      }
    }
    return null;
  }

  private Identity identity() throws Refusal {
    try {
      return Identity.loadOrCreate(identity, new SecureRandom());
    } catch (BadFileException e) {
      throw new Refusal(FAILED, "cannot use the identity file " + e.getMessage()
          + ". It was left untouched: fix it, or point --identity elsewhere to create a new one");
    } catch (IOException e) {
      throw new Refusal(FAILED, "cannot create the identity file " + identity + ": "
          + describe(e));
    }
  }

  private ChatServer start(ServerConfig config, Identity key) throws Refusal {
    try {
      return ChatServer.start(config, key);
    } catch (StoreException e) {
      throw new Refusal(FAILED, "cannot use the store " + e.getMessage());
    } catch (BindException e) {
      String reason = describe(e);
      throw new Refusal(FAILED, "cannot listen on " + bind + ":" + port + ": " + reason
          + (reason.contains("in use")
              ? " (is another server running there? pick another --port)"
              : " (is --bind an address of this machine?)"));
    } catch (IOException e) {
      throw new Refusal(FAILED, "cannot listen on " + bind + ":" + port + ": " + describe(e));
    }
  }

  /**
   * Answers LAN discovery (protocol §8) on the TCP port's number over UDP, for as long as the
   * server runs. A UDP port that cannot be bound costs discovery only, not the server: clients
   * can still connect with --host.
   *
   * @return the start-up line that says how discovery went
   */
  private static String startDiscovery(ChatServer server, ServerConfig config) {
    if (!config.discovery()) {
      return "LAN discovery: off (--no-discovery); clients need --host";
    }
    try {
      DiscoveryResponder responder = DiscoveryResponder.start(config.bind(), server.port(),
          server.port(), server.identity(), config.name(), DISCOVERY_REPLIES_PER_SECOND);
      server.closeWith(responder);
      return "LAN discovery: answering on UDP port " + responder.port()
          + " (clients may leave out --host)";
    } catch (IOException e) {
      return "LAN discovery: off, UDP port " + server.port() + " cannot be used ("
          + describe(e) + "); clients need --host";
    }
  }

  private static Duration seconds(long value, String setting, String what) {
    if (value < 0) {
      throw new ServerConfig.InvalidSetting(setting,
          "the " + what + " timeout must be 0 or more seconds");
    }
    return Duration.ofSeconds(value);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message.toLowerCase(Locale.ROOT);
  }

  /** Prints the version, protocol version, git commit and JDK ({@link BuildInfo}). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return BuildInfo.current().versionLines("LanChat server").toArray(String[]::new);
    }
  }
}
