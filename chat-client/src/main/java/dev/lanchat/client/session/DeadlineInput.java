package dev.lanchat.client.session;

import java.io.FilterInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A socket's input that can hold a phase to an overall deadline. While armed, each read may
 * wait only for what is left of the deadline, so a server that trickles one byte at a time
 * cannot stretch the handshake for ever: a per-read timeout alone starts again with every byte.
 * Disarmed, a read waits for the idle timeout, which only detects a silent server.
 *
 * <p>Not thread-safe: the one thread that reads also arms and disarms.
 */
final class DeadlineInput extends FilterInputStream {
  private final Socket socket;
  private final LongSupplier nanoTime;
  private long deadline;
  private boolean armed;
  private int idleMillis;

  /** The input of {@code socket}, timed by {@code nanoTime} ({@code System::nanoTime}). */
  DeadlineInput(Socket socket, LongSupplier nanoTime) throws IOException {
    super(socket.getInputStream());
    this.socket = socket;
    this.nanoTime = nanoTime;
  }

  /** From now on, reads must all be done within {@code within}. */
  void arm(Duration within) {
    deadline = nanoTime.getAsLong() + within.toNanos();
    armed = true;
  }

  /** From now on, each read waits at most {@code timeout} and there is no overall deadline. */
  void idle(Duration timeout) {
    idleMillis = (int) Math.min(Math.max(timeout.toMillis(), 1), Integer.MAX_VALUE);
    armed = false;
  }

  @Override
  public int read() throws IOException {
    beforeRead();
    return super.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    beforeRead();
    return super.read(b, off, len);
  }

  @Override
  public long skip(long n) throws IOException {
    beforeRead();
    return super.skip(n);
  }

  private void beforeRead() throws IOException {
    if (!armed) {
      socket.setSoTimeout(idleMillis);
      return;
    }
    long left = deadline - nanoTime.getAsLong();
    if (left <= 0) {
      throw new SocketTimeoutException("the deadline passed");
    }
    // round up: a timeout of 0 would mean "wait for ever"
    long millis = Math.max(1, (left + 999_999) / 1_000_000);
    socket.setSoTimeout((int) Math.min(millis, Integer.MAX_VALUE));
  }
}
