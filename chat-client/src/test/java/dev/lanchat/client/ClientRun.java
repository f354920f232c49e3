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
    PipedInputStream in = new PipedInputStream(1 << 16);
    stdin = new PipedOutputStream(in);
    PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
    ClientCommand command = new ClientCommand(color -> new PipedConsole(in, out, err), env,
        ZoneOffset.UTC);
    exit = CompletableFuture.supplyAsync(() -> ClientCommand.commandLine(command)
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args));
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
