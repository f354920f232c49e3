package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * A JLine terminal that is not the process's own: keys are typed into a pipe and everything
 * the terminal draws is recorded, so a test can type, wait for what is drawn and inspect it.
 */
final class VirtualTerminal implements AutoCloseable {
  private final PipedOutputStream keys = new PipedOutputStream();
  private final Screen screen = new Screen();
  private final Terminal terminal;

  VirtualTerminal() throws IOException {
    PipedInputStream in = new PipedInputStream(keys, 1 << 16);
    terminal = TerminalBuilder.builder()
        .system(false)
        .streams(in, screen)
        .type("xterm")
        .size(Size.of(100, 30))
        .encoding(StandardCharsets.UTF_8)
        .build();
  }

  Terminal terminal() {
    return terminal;
  }

  /** Types {@code text} as keystrokes ({@code \r} is Enter, {@code \t} is Tab). */
  void type(String text) throws IOException {
    keys.write(text.getBytes(StandardCharsets.UTF_8));
    keys.flush();
  }

  /** Everything drawn so far. */
  String drawn() {
    return screen.text();
  }

  /**
   * Waits until {@code expected} has been drawn at or after {@code from}; returns where it
   * starts. Fails after 10 s.
   */
  int await(String expected, int from) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    synchronized (screen) {
      while (true) {
        int at = screen.text().indexOf(expected, from);
        if (at >= 0) {
          return at;
        }
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          fail("never drawn: " + expected + "\n--- drawn:\n" + visible(screen.text()));
        }
        screen.wait(left);
      }
    }
  }

  static String visible(String s) {
    return s.replace("\u001B", "<ESC>").replace("\r", "<CR>").replace("\u0007", "<BEL>");
  }

  @Override
  public void close() throws IOException {
    keys.close();
    terminal.close();
  }

  /** Records output and wakes waiters. */
  private static final class Screen extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
      notifyAll();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
      notifyAll();
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
