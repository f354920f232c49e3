package dev.lanchat.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the whole {@code chat-client} command in-process with piped stdin and captured stdout
 * and stderr, the way a script runs it: {@code new CommandLine(cmd).execute(args)} on its own
 * thread. Timestamps are shown in UTC.
 */
final class ClientRun {
  private final PipedOutputStream stdin;
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private final CompletableFuture<Integer> exit;

  private ClientRun(Map<String, String> env, String... args) throws IOException {
    requireLoopbackDiscovery(args);
    PipedInputStream in = new PipedInputStream(1 << 16);
    stdin = new PipedOutputStream(in);
    PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
    ClientCommand command = new ClientCommand(color -> new PipedConsole(in, out, err), env,
        ZoneOffset.UTC);
    // a thread of its own, not the common pool: a run still reconnecting after its test must
    // not hold up the next test's run
    exit = onOwnThread(() -> ClientCommand.commandLine(command)
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args));
  }

  /**
   * Fails the test when {@code args} would make the client discover servers beyond loopback:
   * without {@code --host} (or with {@code --discover}) the client sends discovery requests,
   * by default to the broadcast address of every real interface. Tests must aim them at
   * loopback with {@code --discovery-address}.
   */
  static void requireLoopbackDiscovery(String... args) throws IOException {
    List<String> list = List.of(args);
    if (list.stream().anyMatch(a -> a.matches("--help|-h|--version|-V"))) {
      return;
    }
    List<String> targets = new java.util.ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--discovery-address") && i + 1 < args.length) {
        targets.add(args[i + 1]);
      } else if (args[i].startsWith("--discovery-address=")) {
        targets.add(args[i].substring("--discovery-address=".length()));
      }
    }
    boolean discovers = !list.contains("--host") || list.contains("--discover");
    if (discovers && targets.isEmpty()) {
      throw new AssertionError("this run would broadcast discovery requests on real "
          + "interfaces: pass --discovery-address 127.0.0.x");
    }
    for (String target : targets) {
      if (!java.net.InetAddress.getByName(target).isLoopbackAddress()) {
        throw new AssertionError("discovery in tests stays on loopback, not " + target);
      }
    }
  }

  /**
   * Runs {@code work} on a daemon thread of its own (not the common pool, whose one or two
   * threads a client still reconnecting after its test would hold).
   */
  static <T> CompletableFuture<T> onOwnThread(java.util.function.Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        result.complete(work.get());
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
      }
    }, "client-run");
    thread.setDaemon(true);
    thread.start();
    return result;
  }

  /**
   * Starts a piped client as alice against {@code server}, trusting its key on first use, with
   * its files in {@code home} and no reconnecting: one connection, then the exit.
   */
  static ClientRun aliceAgainst(FakeServer server, java.nio.file.Path home) throws IOException {
    return start("--host", "127.0.0.1", "--port", String.valueOf(server.port()),
        "--name", "alice", "--accept-new", "--reconnect-for", "0", "--known-servers",
        home.resolve("known_servers").toString(), "--identity",
        home.resolve("identity.pem").toString());
  }

  /** Starts the client with {@code args}. */
  static ClientRun start(String... args) throws IOException {
    return new ClientRun(Map.of(), args);
  }

  /** Types one line (UTF-8, with its line end). */
  ClientRun type(String line) {
    try {
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ends the input, as the end of a piped file does. */
  void endInput() throws IOException {
    stdin.close();
  }

  /** The exit code, waiting at most 20 s for it. */
  int exitCode() throws Exception {
    try {
      return exit.get(20, TimeUnit.SECONDS);
    } finally {
      stdin.close();
    }
  }

  /**
   * Waits, at most 15 s, until stdout holds {@code text} (the client printed that event), and
   * returns stdout; fails the test otherwise.
   */
  String awaitOut(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!out().contains(text)) {
      if (System.nanoTime() > deadline || exit.isDone()) {
        throw new AssertionError("the client never printed \"" + text + "\"; stdout:\n"
            + out() + "\nstderr:\n" + err());
      }
      Thread.sleep(10); // stdout is a plain buffer with nothing to wait on
    }
    return out();
  }

  /** Waits, at most 15 s, until stderr holds {@code text}, and returns stderr. */
  String awaitErr(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!err().contains(text)) {
      if (System.nanoTime() > deadline || exit.isDone()) {
        throw new AssertionError("the client never said \"" + text + "\"; stdout:\n"
            + out() + "\nstderr:\n" + err());
      }
      Thread.sleep(10); // stderr is a plain buffer with nothing to wait on
    }
    return err();
  }

  String out() {
    synchronized (stdout) {
      return stdout.toString(StandardCharsets.UTF_8);
    }
  }

  String err() {
    synchronized (stderr) {
      return stderr.toString(StandardCharsets.UTF_8);
    }
  }

  List<String> outLines() {
    return out().lines().toList();
  }
}
