package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A launcher run on a real pseudo-terminal, as a person runs it: util-linux {@code script}
 * gives the program a pty of 100 × 30, keys typed here go to it, and everything it draws is
 * recorded. Tests wait for what is drawn (with escape sequences removed) instead of sleeping.
 *
 * <p>{@code script} copies its standard input to the terminal, so the program sees keystrokes
 * exactly as typed: {@code \r} is Enter, {@code ESC [200~ … ESC [201~} a bracketed paste.
 */
final class OnTerminal implements AutoCloseable {
  /** CSI and OSC sequences and two-character escapes: what a terminal interprets, not shows. */
  private static final Pattern ESCAPES = Pattern.compile(
      "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(\u0007|\u001B\\\\)|\u001B[^\\[\\]]");

  private static final Pattern QUERIES = Pattern.compile("\u001B\\[(?:\\?(\\d+)\\$p|0?c|(6)n)");

  private final String name;
  private final Process process;
  private final OutputStream keys;
  private final ByteArrayOutputStream drawn = new ByteArrayOutputStream();
  private final Thread pump;

  private OnTerminal(String name, Process process) {
    this.name = name;
    this.process = process;
    this.keys = process.getOutputStream();
    this.pump = Thread.ofPlatform().daemon().name(name + "-pty").start(this::record);
  }

  /** True when this machine has the {@code script} command that provides the pty. */
  static boolean available() {
    return Files.isExecutable(Path.of("/usr/bin/script"));
  }

  /**
   * Runs {@code scripts/<launcher> args} on a fresh pty from the repository root, with HOME set
   * to {@code home} and TERM to xterm.
   */
  static OnTerminal start(String launcher, Path home, String... args) throws IOException {
    Path root = Path.of(System.getProperty("lanchat.root", "..")).toAbsolutePath().normalize();
    StringBuilder command = new StringBuilder("stty cols 100 rows 30; exec ");
    command.append(quote(root.resolve("scripts").resolve(launcher).toString()));
    for (String arg : args) {
      command.append(' ').append(quote(arg));
    }
    List<String> argv = new ArrayList<>(List.of("/usr/bin/script", "--quiet", "--flush",
        "--return", "--command", command.toString(), "/dev/null"));
    ProcessBuilder builder = new ProcessBuilder(argv).directory(home.toFile())
        .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("HOME", home.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("TERM", "xterm");
    env.put("SHELL", "/bin/sh");
    env.remove("NO_COLOR");
    return new OnTerminal(launcher, builder.start());
  }

  private static String quote(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  private void record() {
    byte[] buffer = new byte[8192];
    int answered = 0;
    try (InputStream in = process.getInputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        String queries;
        synchronized (this) {
          drawn.write(buffer, 0, n);
          notifyAll();
          queries = drawn.toString(StandardCharsets.UTF_8).substring(answered);
        }
        answered += answer(queries);
      }
    } catch (IOException e) {
      // the terminal closed; what was drawn is kept
    } finally {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /**
   * Answers the queries a terminal answers, as xterm would, so the program does not wait for
   * a reply that never comes (and then takes typed keys for one): primary device attributes
   * ({@code ESC [ c}: a VT220), mode reports ({@code ESC [ ? n $ p}: mode not recognised) and
   * the cursor position ({@code ESC [ 6 n}). Returns how many characters of
   * {@code drawn} were dealt with (up to the last complete query).
   */
  private int answer(String drawn) throws IOException {
    Matcher m = QUERIES.matcher(drawn);
    int end = 0;
    StringBuilder replies = new StringBuilder();
    while (m.find()) {
      if (m.group(1) != null) {
        replies.append("\u001B[?").append(m.group(1)).append(";0$y");
      } else if (m.group(2) != null) {
        replies.append("\u001B[1;1R"); // the cursor is at the start of the line
      } else {
        replies.append("\u001B[?62;22c");
      }
      end = m.end();
    }
    if (!replies.isEmpty()) {
      type(replies.toString());
    }
    // keep a tail that may be the start of a query cut between two reads
    return end > 0 ? end : Math.max(0, drawn.length() - 16);
  }

  /** Types {@code keys} as they are, with no Enter added. */
  void type(String text) throws IOException {
    synchronized (keys) { // the pump answers queries from its own thread
      keys.write(text.getBytes(StandardCharsets.UTF_8));
      keys.flush();
    }
  }

  /** Types {@code line} and Enter. */
  void typeLine(String line) throws IOException {
    type(line + "\r");
  }

  /**
   * Types {@code line} and Enter, and waits until the line has been echoed at or after
   * {@code from}; returns the position after the echo, so what is awaited next is the answer,
   * not the typed text.
   */
  int typeLine(String line, int from) throws IOException, InterruptedException {
    type(line);
    int echoed = await(line, from);
    type("\r");
    return echoed;
  }

  /** Pastes {@code text} as a terminal does with bracketed paste on: in one piece, marked. */
  void paste(String text) throws IOException {
    type("\u001B[200~" + text + "\u001B[201~");
  }

  /** Everything drawn so far, escape sequences included. */
  synchronized String raw() {
    return drawn.toString(StandardCharsets.UTF_8);
  }

  /** Everything drawn so far as text: escape sequences removed, carriage returns kept. */
  String screen() {
    return plain(raw());
  }

  /** {@code drawn} without its escape sequences. */
  static String plain(String drawn) {
    return ESCAPES.matcher(drawn).replaceAll("");
  }

  /**
   * Waits until {@code expected} is on screen at or after position {@code from} of
   * {@link #screen()}; returns the position just after it.
   */
  int await(String expected, int from) throws InterruptedException {
    return await(expected, from, Launched.WAIT);
  }

  /** As {@link #await(String, int)}, waiting up to {@code within}. */
  synchronized int await(String expected, int from, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      String screen = screen();
      int at = screen.indexOf(expected, from);
      if (at >= 0) {
        return at + expected.length();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || (!process.isAlive() && !pump.isAlive())) {
        fail(name + " on a terminal never drew \"" + expected + "\"\n--- drawn:\n"
            + visible(raw()));
      }
      wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
    }
  }

  /**
   * Waits until the line editor has started reading (it switches bracketed paste on as it
   * does), so typed keys go to it and not to the terminal's own echo.
   */
  synchronized void awaitPrompt() throws InterruptedException {
    long deadline = System.nanoTime() + Launched.WAIT.toNanos();
    while (!raw().contains("\u001B[?2004h")) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || (!process.isAlive() && !pump.isAlive())) {
        fail(name + " on a terminal never started reading a line\n" + visible(raw()));
      }
      wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
    }
  }

  /** How often {@code text} is on screen. */
  int count(String text) {
    String screen = screen();
    int count = 0;
    for (int at = screen.indexOf(text); at >= 0; at = screen.indexOf(text, at + text.length())) {
      count++;
    }
    return count;
  }

  /** Waits for the program to exit; returns its exit code (script passes it on). */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(Launched.WAIT.toSeconds(), TimeUnit.SECONDS)) {
      fail(name + " on a terminal did not exit within " + Launched.WAIT + "\n" + visible(raw()));
    }
    pump.join(Launched.WAIT.toMillis());
    return process.exitValue();
  }

  /** The drawn output with escapes and control characters made visible, for failure messages. */
  static String visible(String s) {
    return s.replace("\u001B", "<ESC>").replace("\r", "").replace("\u0007", "<BEL>");
  }

  /** For failure messages. */
  String transcript() {
    return "--- " + name + " on a terminal ---\n" + visible(raw());
  }

  @Override
  public void close() {
    // script, the shell it started and the JVM that shell became
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
