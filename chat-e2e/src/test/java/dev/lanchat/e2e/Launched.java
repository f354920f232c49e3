package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One of the project's launchers ({@code scripts/chat-server}, {@code scripts/chat-client}) run
 * as a real process, with its output lines collected as they arrive so a test can wait for the
 * line it expects instead of sleeping.
 *
 * <p>Once the process has ended, every read of its output first joins both output pumps, so a
 * test never sees a transcript that is missing the last lines the process printed.
 */
final class Launched implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);

  private final String name;
  private final Process process;
  private final Writer stdin;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final Thread outPump;
  private final Thread errPump;

  private Launched(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.outPump = pump(process.getInputStream(), out, name + "-stdout");
    this.errPump = pump(process.getErrorStream(), err, name + "-stderr");
  }

  /** Wraps an already started process (tests of this helper itself). */
  static Launched of(String name, Process process) {
    return new Launched(name, process);
  }

  /** Runs {@code scripts/<script> args} from the repository root with HOME set to {@code home}. */
  static Launched start(String script, Path home, String... args) throws IOException {
    return start(script, home, Limits.NONE, args);
  }

  /**
   * What a launched JVM is confined to: JVM options (such as {@code -Xmx64m}, passed in
   * {@code JDK_JAVA_OPTIONS}) and, if above 0, the open-file limit ({@code ulimit -n}).
   */
  record Limits(String jvmOptions, int maxOpenFiles) {
    static final Limits NONE = new Limits("", 0);
  }

  /** As {@link #start(String, Path, String...)}, confined to {@code limits}. */
  static Launched start(String script, Path home, Limits limits, String... args)
      throws IOException {
    Path root = Path.of(System.getProperty("lanchat.root", "..")).toAbsolutePath().normalize();
    List<String> command = new ArrayList<>();
    if (limits.maxOpenFiles() > 0) {
      // the limit is set in the shell that then becomes the launcher, so only it is confined
      command.addAll(List.of("bash", "-c", "ulimit -n " + limits.maxOpenFiles()
          + " && exec \"$0\" \"$@\""));
    }
    command.add(root.resolve("scripts").resolve(script).toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
    Map<String, String> env = builder.environment();
    env.put("HOME", home.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.remove("NO_COLOR");
    if (!limits.jvmOptions().isEmpty()) {
      env.put("JDK_JAVA_OPTIONS", limits.jvmOptions());
    }
    return new Launched(script, builder.start());
  }

  private Thread pump(InputStream stream, List<String> lines, String threadName) {
    return Thread.ofPlatform().daemon().name(threadName).start(() -> {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          synchronized (this) {
            lines.add(line);
            notifyAll();
          }
        }
      } catch (IOException e) {
        // the process ended; what it printed is kept
      } finally {
        synchronized (this) {
          notifyAll(); // a waiter may be waiting for the pumps to finish
        }
      }
    });
  }

  /** Types one line into the process's standard input. */
  void type(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  /** Ends the process's standard input (end of input for a piped client). */
  void endInput() throws IOException {
    stdin.close();
  }

  /** Waits for a standard-output line matching {@code test} and returns it. */
  String awaitOut(Predicate<String> test, String what) throws InterruptedException {
    return await(out, test, what);
  }

  /** Waits for a standard-output line containing {@code text} and returns it. */
  String awaitOut(String text) throws InterruptedException {
    return await(out, line -> line.contains(text), "\"" + text + "\"");
  }

  /** Waits for a standard-error line containing {@code text} and returns it. */
  String awaitErr(String text) throws InterruptedException {
    return await(err, line -> line.contains(text), "\"" + text + "\"");
  }

  /**
   * Waits up to {@code within} for a standard-output line matching {@code test}, for what takes
   * longer than one step (a reconnect after a backoff); returns it.
   */
  String awaitOut(Predicate<String> test, String what, Duration within)
      throws InterruptedException {
    return await(out, test, what, within);
  }

  /**
   * Waits up to {@code within} until, for every one of {@code endings}, some standard-output
   * line ends with it (an ending, so that {@code "x-1"} is not taken for {@code "x-10"}).
   */
  void awaitAllOut(Collection<String> endings, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    for (String ending : endings) {
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      await(out, line -> line.endsWith(ending), "a line ending \"" + ending + "\"", left);
    }
  }

  /** How many standard-output lines were printed so far: a mark to wait from. */
  synchronized int mark() {
    return out.size();
  }

  /**
   * Waits for a standard-output line after {@code mark} (see {@link #mark()}) matching
   * {@code test}, for the answer to something just typed; returns it.
   */
  String awaitOutAfter(int mark, Predicate<String> test, String what)
      throws InterruptedException {
    return await(out, mark, test, what, WAIT);
  }

  /** Every standard-output line printed after {@code mark}, so far. */
  synchronized List<String> stdoutAfter(int mark) {
    return List.copyOf(out.subList(mark, out.size()));
  }

  private String await(List<String> lines, Predicate<String> test, String what)
      throws InterruptedException {
    return await(lines, 0, test, what, WAIT);
  }

  private String await(List<String> lines, Predicate<String> test, String what,
      Duration within) throws InterruptedException {
    return await(lines, 0, test, what, within);
  }

  private synchronized String await(List<String> lines, int from, Predicate<String> test,
      String what, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    int seen = from;
    while (true) {
      for (; seen < lines.size(); seen++) {
        if (test.test(lines.get(seen))) {
          return lines.get(seen);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || (!process.isAlive() && pumpsDone() && seen == lines.size())) {
        fail(name + " never printed " + what + "\n" + transcript());
      }
      wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
    }
  }

  private boolean pumpsDone() {
    return !outPump.isAlive() && !errPump.isAlive();
  }

  /**
   * Once the process has ended, waits (bounded) until both pumps have read its output to the
   * end. Must not hold this object's lock: the pumps take it to add each line.
   */
  private void joinPumpsIfEnded() throws InterruptedException {
    if (process.isAlive()) {
      return;
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (Thread pump : List.of(outPump, errPump)) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      pump.join(Math.max(1, left));
      if (pump.isAlive()) {
        fail(name + ": " + pump.getName() + " still reading " + WAIT + " after the process ended");
      }
    }
  }

  /** Waits for the process to exit and for its output to be read to the end; returns its exit code. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
      fail(name + " did not exit within " + WAIT + "\n" + transcript());
    }
    joinPumpsIfEnded();
    return process.exitValue();
  }

  /**
   * The process id of the program: the launchers {@code exec} the JVM, so this is the JVM's own
   * (what {@code jcmd} attaches to).
   */
  long pid() {
    return process.pid();
  }

  /** Sends SIGTERM, as Ctrl-C or a service manager would. */
  void terminate() {
    process.destroy();
  }

  /**
   * Kills the program with SIGKILL, as a power cut or the OOM killer would, and waits until it
   * is gone. The launchers {@code exec} the JVM, so the process started is the JVM itself; that
   * is checked first, so a shell wrapper that forks would fail the test instead of leaving the
   * JVM running unkilled.
   */
  void killJvm() throws InterruptedException {
    String command = process.info().command().orElse("");
    if (!command.endsWith("/java") || process.descendants().findAny().isPresent()) {
      fail(name + " is not the JVM itself (" + command + "): SIGKILL would miss it");
    }
    process.destroyForcibly();
    if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
      fail(name + " survived SIGKILL for " + WAIT);
    }
    joinPumpsIfEnded();
  }

  /** Every line printed so far; all of them once the process has ended. */
  List<String> stdout() throws InterruptedException {
    joinPumpsIfEnded();
    synchronized (this) {
      return List.copyOf(out);
    }
  }

  /** Every standard-error line printed so far; all of them once the process has ended. */
  List<String> stderr() throws InterruptedException {
    joinPumpsIfEnded();
    synchronized (this) {
      return List.copyOf(err);
    }
  }

  /** Both outputs, for failure messages. Does not wait for the pumps (it may run under the lock). */
  synchronized String transcript() {
    return "--- " + name + " stdout ---\n" + String.join("\n", out)
        + "\n--- " + name + " stderr ---\n" + String.join("\n", err);
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
