package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small LAN on loopback for one test: servers and clients started through the real launchers,
 * each person with a home of their own (so their own client key, pins and ignore list), and
 * everything started stopped again on {@link #close()}, the last started first.
 */
final class Lan implements AutoCloseable {
  static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  private final Path root;
  private final Deque<Stoppable> started = new ArrayDeque<>();

  /** A LAN whose files (server store, identities, people's homes) live under {@code root}. */
  Lan(Path root) {
    this.root = root;
  }

  /** What {@link #close()} stops: a launched process or a terminal, neither of which throws. */
  private interface Stoppable {
    void close();
  }

  /** A running server and the port it listens on. */
  record Server(Launched process, int port) {
    /** SIGTERM, then the exit code. */
    int stop() throws InterruptedException {
      process.terminate();
      return process.awaitExit();
    }
  }

  /** The server's store file: its own folder, so a test can search every file SQLite made. */
  Path storeFile() {
    return root.resolve("server-data").resolve("server.db");
  }

  /**
   * Starts a server on {@code port} (0: any free port, read back from its banner) with this
   * LAN's identity and store, discovery off, plus {@code extra}.
   */
  Server server(int port, Launched.Limits limits, String... extra) throws Exception {
    Files.createDirectories(storeFile().getParent());
    List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1",
        "--port", Integer.toString(port), "--identity", root.resolve("server.pem").toString(),
        "--data", storeFile().toString(), "--no-discovery"));
    args.addAll(Arrays.asList(extra));
    Launched process = Launched.start("chat-server", serverHome(), limits,
        args.toArray(String[]::new));
    started.push(process::close);
    Matcher m = LISTENING.matcher(
        process.awaitOut(line -> LISTENING.matcher(line).find(), "the port it listens on"));
    assertTrue(m.find());
    return new Server(process, Integer.parseInt(m.group(1)));
  }

  /** As {@link #server(int, Launched.Limits, String...)} on any free port, unconfined. */
  Server server(String... extra) throws Exception {
    return server(0, Launched.Limits.NONE, extra);
  }

  private Path serverHome() throws IOException {
    return Files.createDirectories(root.resolve("server-home"));
  }

  /** The home folder of {@code person}: their client key, pins, ignore list. */
  Path home(String person) throws IOException {
    return Files.createDirectories(root.resolve("home-" + person));
  }

  /**
   * A piped client of {@code person} (their home, and {@code --name person}) connecting to
   * loopback {@code port}, trusting a new server key, plus {@code extra}.
   */
  Launched client(int port, String person, String... extra) throws IOException {
    return client(port, person, Launched.Limits.NONE, extra);
  }

  /** As {@link #client(int, String, String...)}, with {@code limits} (JVM options). */
  Launched client(int port, String person, Launched.Limits limits, String... extra)
      throws IOException {
    return client(port, person, person, limits, extra);
  }

  /** A piped client of {@code person} (their key) joining under another {@code name}. */
  Launched clientNamed(int port, String person, String name, String... extra)
      throws IOException {
    return client(port, person, name, Launched.Limits.NONE, extra);
  }

  private Launched client(int port, String person, String name, Launched.Limits limits,
      String... extra) throws IOException {
    Launched process = Launched.start("chat-client", home(person), limits,
        clientArgs(port, name, extra));
    started.push(process::close);
    return process;
  }

  /** As {@link #client(int, String, String...)}, on a pseudo-terminal. */
  OnTerminal terminalClient(int port, String person, String... extra) throws IOException {
    OnTerminal terminal = OnTerminal.start("chat-client", home(person),
        clientArgs(port, person, extra));
    started.push(terminal::close);
    return terminal;
  }

  private static String[] clientArgs(int port, String name, String... extra) {
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1",
        "--port", Integer.toString(port), "--name", name, "--accept-new"));
    args.addAll(Arrays.asList(extra));
    return args.toArray(String[]::new);
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      started.pop().close();
    }
  }
}
