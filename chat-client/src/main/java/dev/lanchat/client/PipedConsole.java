package dev.lanchat.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The console of a script: input lines from a stream, each one message; one event per line on
 * {@code out} (a message of several lines continues on lines that start with
 * {@link Console#CONTINUATION}), problems on {@code err}. No prompt, no colour, no escape code,
 * no bell; UTF-8 both ways.
 *
 * <p>Thread-safe: output lines never interleave.
 */
public final class PipedConsole implements Console {
  private final BufferedReader in;
  private final PrintStream out;
  private final PrintStream err;

  /** A console over the given streams (not closed by {@link #close()}). */
  public PipedConsole(InputStream in, PrintStream out, PrintStream err) {
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    this.out = out;
    this.err = err;
  }

  @Override
  public boolean interactive() {
    return false;
  }

  @Override
  public boolean color() {
    return false;
  }

  @Override
  public String readLine() throws IOException {
    return in.readLine();
  }

  @Override
  public String ask(String question) {
    throw new IllegalStateException("a piped console cannot ask questions");
  }

  @Override
  public synchronized void event(String line) {
    out.println(line);
    out.flush();
  }

  /** Every line after the first starts with {@link Console#CONTINUATION}. */
  @Override
  public synchronized void event(String head, List<String> lines) {
    out.println(head + lines.getFirst());
    for (String line : lines.subList(1, lines.size())) {
      out.println(CONTINUATION + line);
    }
    out.flush();
  }

  @Override
  public synchronized void problem(String line) {
    out.flush();
    err.println(line);
    err.flush();
  }

  @Override
  public void bell() {
    // a script gets no control characters at all
  }

  @Override
  public synchronized void close() {
    out.flush();
    err.flush();
  }
}
