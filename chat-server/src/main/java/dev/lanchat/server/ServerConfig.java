package dev.lanchat.server;

import dev.lanchat.common.discovery.DiscoveryReply;
import dev.lanchat.common.message.StrictUtf8;
import dev.lanchat.common.rules.Texts;
import dev.lanchat.common.storage.LanchatHome;
import dev.lanchat.server.store.Retention;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link ChatServer} is told at start-up: where it listens, what it calls itself,
 * and the limits of protocol §7. Immutable; {@link #builder()} and {@link #toBuilder()} make
 * changed copies.
 *
 * <p>A rate of {@code 0} switches that rate limit off; a timeout of {@link Duration#ZERO}
 * switches that timeout off.
 *
 * @param bind the local address to listen on ({@code 0.0.0.0} for every interface)
 * @param port the TCP port (UDP discovery uses the same number); {@code 0} picks a free one
 * @param identityFile the PKCS#8 PEM file holding the server's Ed25519 identity
 * @param name the server's name, at most {@value #MAX_NAME_BYTES} UTF-8 bytes
 * @param motd the message of the day sent in WELCOME ({@code ""} for none)
 * @param maxClients most connections past the handshake at once (ERROR SERVER_FULL beyond)
 * @param rate messages per second a client may send, sustained ({@code 0}: no limit)
 * @param burst messages a client may send at once
 * @param connectRate new connections per second from one source address ({@code 0}: no limit)
 * @param connectBurst new connections at once from one source address
 * @param handshakeTimeout longest time from accept to WELCOME
 * @param idleTimeout longest silence from a joined client
 * @param maxBacklog most messages waiting to be written to one client
 * @param maxBacklogBytes most bytes waiting to be written to one client
 * @param discovery whether to answer LAN discovery requests (UDP, same port)
 * @param maxHandshakes most connections still in the handshake at once (the oldest gives way)
 * @param maxPerAddress most simultaneous connections from one source address (IPv6: one /64)
 * @param maxOutboundBytes bytes waiting to be written to all clients together, above which the
 *     client whose message overflows it is dropped ("too slow")
 * @param roomBudget how much the room as a whole may carry (SAY), whoever sends it
 * @param dataFile the server's store (SQLite): name bindings, the allowlist, invites
 * @param access who may join: any authenticated key, or only allowed keys (protocol §5.7)
 * @param retention how much history the store keeps ({@code --history}, {@code --history-days})
 * @param maxRooms most rooms with members at once ({@code --max-rooms})
 * @param maxRoomsPerClient most rooms one client may be in at once ({@code
 *     --max-rooms-per-client}; WELCOME carries it as a u16)
 */
public record ServerConfig(
    InetAddress bind,
    int port,
    Path identityFile,
    String name,
    String motd,
    int maxClients,
    double rate,
    int burst,
    double connectRate,
    int connectBurst,
    Duration handshakeTimeout,
    Duration idleTimeout,
    int maxBacklog,
    long maxBacklogBytes,
    boolean discovery,
    int maxHandshakes,
    int maxPerAddress,
    long maxOutboundBytes,
    RoomBudget roomBudget,
    Path dataFile,
    Access access,
    Retention retention,
    int maxRooms,
    int maxRoomsPerClient) {

  /** Who may join (protocol §5.7). */
  public enum Access {
    /** Any client that authenticates may join; names are bound to keys. */
    OPEN,
    /** Only keys on the store's allowlist may join; any other gets ERROR NOT_ALLOWED. */
    ALLOWLIST
  }

  /** The default TCP (and discovery UDP) port. */
  public static final int DEFAULT_PORT = 5000;

  /** Longest server name, in UTF-8 bytes (it must fit a discovery reply, protocol §8). */
  public static final int MAX_NAME_BYTES = DiscoveryReply.MAX_NAME_BYTES;

  /** Most rooms per client that WELCOME can carry (a u16). */
  public static final int MAX_ROOMS_PER_CLIENT = 0xFFFF;

  /** Longest message of the day, in UTF-8 bytes (it must fit a WELCOME record). */
  public static final int MAX_MOTD_BYTES = 4096;

  /**
   * Checks every value.
   *
   * @throws InvalidSetting with a sentence naming the bad value
   */
  public ServerConfig {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(identityFile, "identityFile");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(motd, "motd");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(roomBudget, "roomBudget");
    Objects.requireNonNull(dataFile, "dataFile");
    Objects.requireNonNull(access, "access");
    require("port", port >= 0 && port <= 65_535, "the port must be 0 to 65535, not " + port);
    require("name", !name.isBlank(), "the server name must not be empty");
    require("name", name.codePoints().noneMatch(Texts::isForbidden),
        "the server name must not hold control or format characters");
    require("name", utf8Length(name) <= MAX_NAME_BYTES,
        "the server name has at most " + MAX_NAME_BYTES + " UTF-8 bytes");
    require("motd", motd.codePoints().noneMatch(Texts::isForbidden),
        "the message of the day must not hold control or format characters");
    require("motd", utf8Length(motd) <= MAX_MOTD_BYTES,
        "the message of the day has at most " + MAX_MOTD_BYTES + " UTF-8 bytes");
    require("maxClients", maxClients >= 1, "max clients must be at least 1, not " + maxClients);
    require("rate", rate >= 0 && Double.isFinite(rate), "the message rate must be 0 or more");
    require("burst", burst >= 1, "the message burst must be at least 1, not " + burst);
    require("connectRate", connectRate >= 0 && Double.isFinite(connectRate),
        "the connect rate must be 0 or more");
    require("connectBurst", connectBurst >= 1,
        "the connect burst must be at least 1, not " + connectBurst);
    require("handshakeTimeout", !handshakeTimeout.isNegative(),
        "the handshake timeout must not be negative");
    require("idleTimeout", !idleTimeout.isNegative(), "the idle timeout must not be negative");
    require("maxBacklog", maxBacklog >= 1,
        "the backlog must allow at least 1 message, not " + maxBacklog);
    require("maxBacklogBytes", maxBacklogBytes >= 1,
        "the backlog must allow at least 1 byte, not " + maxBacklogBytes);
    require("maxHandshakes", maxHandshakes >= 1,
        "max handshakes must be at least 1, not " + maxHandshakes);
    require("maxPerAddress", maxPerAddress >= 1,
        "max connections per address must be at least 1, not " + maxPerAddress);
    require("maxOutboundBytes", maxOutboundBytes >= 1,
        "the outbound budget must allow at least 1 byte, not " + maxOutboundBytes);
    Objects.requireNonNull(retention, "retention");
    require("maxRooms", maxRooms >= 1, "max rooms must be at least 1, not " + maxRooms);
    require("maxRoomsPerClient", maxRoomsPerClient >= 1 && maxRoomsPerClient <= MAX_ROOMS_PER_CLIENT,
        "max rooms per client must be 1 to " + MAX_ROOMS_PER_CLIENT + ", not " + maxRoomsPerClient);
  }

  /**
   * The defaults of protocol §7: every interface, port 5000, the identity under the user's home,
   * this host's name, 1,000 clients, 10 messages/s (burst 20), 20 connections/s per address
   * (burst 40), 10 s to join, 90 s of silence, 4,096 messages or 4 MiB of backlog, discovery on,
   * 256 handshakes at once, 64 connections per address, 64 MiB of outbound bytes in all, and a
   * room budget of {@link RoomBudget#DEFAULT}, the store in {@code ~/.lanchat/server.db}, open
   * access, {@link Retention#defaults()} (10,000 events per room, no age limit), 1,000 rooms
   * with members and 20 rooms per client.
   */
  public static ServerConfig defaults() {
    return builder().build();
  }

  /** A builder that starts from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * {@code ~/.lanchat/server-identity.pem}, where {@code ~} is {@code $HOME} when it is set (as
   * in a shell) and the JVM's {@code user.home} otherwise.
   */
  public static Path defaultIdentityFile() {
    return LanchatHome.file("server-identity.pem");
  }

  /**
   * {@code ~/.lanchat/server.db}, where {@code ~} is as for {@link #defaultIdentityFile}: the
   * same file the admin commands use by default.
   */
  public static Path defaultDataFile() {
    return LanchatHome.file("server.db");
  }

  /** This host's name, cut to at most {@value #MAX_NAME_BYTES} UTF-8 bytes. */
  public static String defaultName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException | SecurityException e) {
      host = System.getenv().getOrDefault("HOSTNAME", "");
    }
    if (host == null || host.isBlank()) {
      host = "LanChat";
    }
    return StrictUtf8.truncate(host.strip(), MAX_NAME_BYTES);
  }

  /**
   * Builds a {@link ServerConfig} one setting at a time; each setting's default is written here
   * once. {@link #build} checks every value. Not thread-safe.
   */
  public static final class Builder {
    private InetAddress bind = anyAddress();
    private int port = DEFAULT_PORT;
    private Path identityFile;
    private String name;
    private String motd = "";
    private int maxClients = 1000;
    private double rate = 10;
    private int burst = 20;
    private double connectRate = 20;
    private int connectBurst = 40;
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Duration idleTimeout = Duration.ofSeconds(90);
    private int maxBacklog = 4096;
    private long maxBacklogBytes = 4L << 20;
    private boolean discovery = true;
    private int maxHandshakes = 256;
    private int maxPerAddress = 64;
    private long maxOutboundBytes = 64L << 20;
    private RoomBudget roomBudget = RoomBudget.DEFAULT;
    private Path dataFile;
    private Access access = Access.OPEN;
    private Retention retention = Retention.defaults();
    private int maxRooms = 1000;
    private int maxRoomsPerClient = 20;

    private Builder() {
      this.identityFile = defaultIdentityFile();
      this.dataFile = defaultDataFile();
      this.name = defaultName();
    }

    private Builder(ServerConfig c) {
      bind = c.bind;
      port = c.port;
      identityFile = c.identityFile;
      name = c.name;
      motd = c.motd;
      maxClients = c.maxClients;
      rate = c.rate;
      burst = c.burst;
      connectRate = c.connectRate;
      connectBurst = c.connectBurst;
      handshakeTimeout = c.handshakeTimeout;
      idleTimeout = c.idleTimeout;
      maxBacklog = c.maxBacklog;
      maxBacklogBytes = c.maxBacklogBytes;
      discovery = c.discovery;
      maxHandshakes = c.maxHandshakes;
      maxPerAddress = c.maxPerAddress;
      maxOutboundBytes = c.maxOutboundBytes;
      roomBudget = c.roomBudget;
      dataFile = c.dataFile;
      access = c.access;
      retention = c.retention;
      maxRooms = c.maxRooms;
      maxRoomsPerClient = c.maxRoomsPerClient;
    }

    public Builder bind(InetAddress value) {
      bind = value;
      return this;
    }

    public Builder port(int value) {
      port = value;
      return this;
    }

    public Builder identityFile(Path value) {
      identityFile = value;
      return this;
    }

    public Builder name(String value) {
      name = value;
      return this;
    }

    public Builder motd(String value) {
      motd = value;
      return this;
    }

    public Builder maxClients(int value) {
      maxClients = value;
      return this;
    }

    /** The per-client message limit: {@code perSecond} sustained, {@code atOnce} in a burst. */
    public Builder messageRate(double perSecond, int atOnce) {
      rate = perSecond;
      burst = atOnce;
      return this;
    }

    /** The per-address connection limit: {@code perSecond} sustained, {@code atOnce} in a burst. */
    public Builder connectRate(double perSecond, int atOnce) {
      connectRate = perSecond;
      connectBurst = atOnce;
      return this;
    }

    public Builder handshakeTimeout(Duration value) {
      handshakeTimeout = value;
      return this;
    }

    public Builder idleTimeout(Duration value) {
      idleTimeout = value;
      return this;
    }

    /** The per-client outbound backlog: at most {@code messages} messages, {@code bytes} bytes. */
    public Builder backlog(int messages, long bytes) {
      maxBacklog = messages;
      maxBacklogBytes = bytes;
      return this;
    }

    public Builder discovery(boolean value) {
      discovery = value;
      return this;
    }

    /** Most connections still in the handshake at once; a new one displaces the oldest. */
    public Builder maxHandshakes(int value) {
      maxHandshakes = value;
      return this;
    }

    /** Most simultaneous connections from one IPv4 address or one IPv6 /64. */
    public Builder maxPerAddress(int value) {
      maxPerAddress = value;
      return this;
    }

    /** Bytes waiting to be written to all clients together. */
    public Builder maxOutboundBytes(long value) {
      maxOutboundBytes = value;
      return this;
    }

    public Builder roomBudget(RoomBudget value) {
      roomBudget = value;
      return this;
    }

    public Builder dataFile(Path value) {
      dataFile = value;
      return this;
    }

    public Builder access(Access value) {
      access = value;
      return this;
    }

    /** How much history the store keeps. */
    public Builder retention(Retention value) {
      retention = value;
      return this;
    }

    /** Most rooms with members at once. */
    public Builder maxRooms(int value) {
      maxRooms = value;
      return this;
    }

    /** Most rooms one client may be in at once. */
    public Builder maxRoomsPerClient(int value) {
      maxRoomsPerClient = value;
      return this;
    }

    /**
     * The configuration, every value checked.
     *
     * @throws IllegalArgumentException with a sentence naming the bad value
     */
    public ServerConfig build() {
      return new ServerConfig(bind, port, identityFile, name, motd, maxClients, rate, burst,
          connectRate, connectBurst, handshakeTimeout, idleTimeout, maxBacklog, maxBacklogBytes,
          discovery, maxHandshakes, maxPerAddress, maxOutboundBytes, roomBudget, dataFile, access,
          retention, maxRooms, maxRoomsPerClient);
    }
  }

  private static InetAddress anyAddress() {
    try {
      return InetAddress.getByAddress(new byte[4]);
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are an IPv4 address", e);
    }
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  private static void require(String setting, boolean ok, String problem) {
    if (!ok) {
      throw new InvalidSetting(setting, problem);
    }
  }

  /**
   * A value {@link ServerConfig} refuses, with the name of the setting (the record component,
   * such as {@code maxClients}) so a caller can say where the value came from.
   */
  public static final class InvalidSetting extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String setting;

    /**
     * @param setting the record component the value was for
     * @param problem a sentence naming the bad value
     */
    public InvalidSetting(String setting, String problem) {
      super(problem);
      this.setting = setting;
    }

    /** The record component the bad value was for. */
    public String setting() {
      return setting;
    }
  }

  /**
   * How much a room carries for everyone together, whoever sends it: SAY messages per second and
   * bytes of MESSAGE per second, each a token bucket. Without it, many connections (each within its
   * own rate) multiply what every member must receive; a SAY over the budget is refused with ERROR
   * RATE_LIMITED, never dropped silently.
   *
   * <p>A rate of {@code 0} switches that half off. A message larger than the byte burst passes
   * when the byte bucket is full, so no valid message is refused for ever.
   *
   * @param messagesPerSecond SAYs per second, sustained ({@code 0}: no limit)
   * @param messageBurst SAYs at once
   * @param bytesPerSecond encoded MESSAGE bytes per second, sustained ({@code 0}: no limit)
   * @param byteBurst encoded MESSAGE bytes at once
   */
  public record RoomBudget(double messagesPerSecond, int messageBurst, double bytesPerSecond,
      long byteBurst) {

    /** 200 messages a second (burst 400) and 256 KiB a second (burst 1 MiB). */
    public static final RoomBudget DEFAULT = new RoomBudget(200, 400, 256 << 10, 1L << 20);

    /** No room-wide limit (benchmarks and most tests). */
    public static final RoomBudget UNLIMITED = new RoomBudget(0, 1, 0, 1);

    /**
     * Checks every value.
     *
     * @throws InvalidSetting naming the bad value
     */
    public RoomBudget {
      check("roomRate", messagesPerSecond >= 0 && Double.isFinite(messagesPerSecond),
          "the room message rate must be 0 or more");
      check("roomBurst", messageBurst >= 1,
          "the room message burst must be at least 1, not " + messageBurst);
      check("roomByteRate", bytesPerSecond >= 0 && Double.isFinite(bytesPerSecond),
          "the room byte rate must be 0 or more");
      check("roomByteBurst", byteBurst >= 1,
          "the room byte burst must be at least 1, not " + byteBurst);
    }

    private static void check(String setting, boolean ok, String problem) {
      if (!ok) {
        throw new InvalidSetting(setting, problem);
      }
    }
  }
}
