package dev.lanchat.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Two in-memory one-way pipes that stand in for a socket between a client and a server thread.
 * Each write is handed over as one chunk, so the handshake's few small writes cost no copying
 * beyond one array copy. A read waits at most {@link #READ_TIMEOUT_SECONDS} for data, so a
 * broken peer fails the benchmark instead of hanging it.
 */
final class InMemoryDuplex {
  static final long READ_TIMEOUT_SECONDS = 10;

  private final Pipe toServer = new Pipe();
  private final Pipe toClient = new Pipe();

  InputStream serverIn() {
    return toServer.in;
  }

  OutputStream serverOut() {
    return toClient.out;
  }

  InputStream clientIn() {
    return toClient.in;
  }

  OutputStream clientOut() {
    return toServer.out;
  }

  /** One direction: writes become chunks in a queue; an empty chunk marks the end. */
  private static final class Pipe {
    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();

    private final OutputStream out = new OutputStream() {
      @Override
      public void write(int b) {
        chunks.add(new byte[] {(byte) b});
      }

      @Override
      public void write(byte[] b, int off, int len) {
        if (len > 0) {
          chunks.add(Arrays.copyOfRange(b, off, off + len));
        }
      }

      @Override
      public void close() {
        chunks.add(END);
      }
    };

    private final InputStream in = new InputStream() {
      private byte[] chunk = new byte[0];
      private int at;
      private boolean ended;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (at == chunk.length) {
          if (ended || !nextChunk()) {
            return -1;
          }
        }
        int n = Math.min(len, chunk.length - at);
        System.arraycopy(chunk, at, b, off, n);
        at += n;
        return n;
      }

      private boolean nextChunk() throws IOException {
        byte[] next;
        try {
          next = chunks.poll(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for the peer");
        }
        if (next == null) {
          throw new IOException("the peer sent nothing for " + READ_TIMEOUT_SECONDS + " s");
        }
        if (next == END) {
          ended = true;
          return false;
        }
        chunk = next;
        at = 0;
        return true;
      }
    };
  }
}
