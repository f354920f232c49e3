package dev.lanchat.common.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A loopback TCP proxy for tests that injects faults between a client and a server: it re-chunks
 * the byte stream into 1-byte or random pieces with small delays, and, frame by frame, flips
 * bits, drops, duplicates, reorders, splices in frames from another session, freezes (half-open)
 * or resets, as each connection's {@link Plan} says.
 *
 * <p>It reads whole frames (u32 length, then payload) so that record-level faults hit exactly
 * one record; a length outside 1..65,536 switches that direction to plain byte copying, so
 * garbage passes through unchanged. Loopback only: it refuses any other target. Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {
  private static final int MAX_PAYLOAD = 65_536;

  /** How the bytes of each direction are cut into writes. */
  public record Chunking(int maxPiece, long maxDelayNanos, long seed) {
    /** Each frame in one write, at once. */
    public static final Chunking WHOLE = new Chunking(Integer.MAX_VALUE, 0, 0);

    public Chunking {
      if (maxPiece < 1 || maxDelayNanos < 0) {
        throw new IllegalArgumentException("pieces are at least 1 byte, delays not negative");
      }
    }

    /** One byte per write, with up to {@code maxDelayNanos} between writes. */
    public static Chunking oneByte(long maxDelayNanos, long seed) {
      return new Chunking(1, maxDelayNanos, seed);
    }

    /** Writes of 1 to {@code maxPiece} bytes, with up to {@code maxDelayNanos} between them. */
    public static Chunking random(int maxPiece, long maxDelayNanos, long seed) {
      return new Chunking(maxPiece, maxDelayNanos, seed);
    }
  }

  /** The faults of one connection: one tamper per direction, and the chunking of both. */
  public record Plan(Tamper toServer, Tamper toClient, Chunking chunking) {
    public Plan {
      Objects.requireNonNull(toServer, "toServer");
      Objects.requireNonNull(toClient, "toClient");
      Objects.requireNonNull(chunking, "chunking");
    }

    /** Forwards everything unchanged, each frame in one write. */
    public static Plan clean() {
      return new Plan(Tamper.none(), Tamper.none(), Chunking.WHOLE);
    }
  }

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final Supplier<Plan> plans;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private FaultProxy(ServerSocket listener, InetSocketAddress target, Supplier<Plan> plans) {
    this.listener = listener;
    this.target = target;
    this.plans = plans;
  }

  /**
   * Listens on an ephemeral loopback port and forwards each connection to {@code target}, with
   * a fresh plan from {@code plans} for each.
   *
   * @throws IllegalArgumentException if {@code target} is not a loopback address
   * @throws IOException if the port cannot be opened
   */
  public static FaultProxy start(InetSocketAddress target, Supplier<Plan> plans) throws IOException {
    if (!target.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("the fault proxy forwards to loopback only, not " + target);
    }
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    FaultProxy proxy = new FaultProxy(listener, target, Objects.requireNonNull(plans, "plans"));
    Thread.ofVirtual().name("fault-proxy-accept").start(proxy::acceptLoop);
    return proxy;
  }

  /** Forwards to the server on loopback {@code port} with {@code plan} for every connection. */
  public static FaultProxy start(int port, Supplier<Plan> plans) throws IOException {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), plans);
  }

  /** The port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Thread.ofVirtual().name("fault-proxy-conn").start(() -> connect(client, plans.get()));
    }
  }

  private void connect(Socket client, Plan plan) {
    open.add(client);
    Socket server = new Socket();
    open.add(server);
    try {
      server.connect(target, 10_000);
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
    } catch (IOException e) {
      abort(client, server);
      return;
    }
    // both sockets are closed once both directions have ended, unless one froze
    AtomicInteger running = new AtomicInteger(2);
    Runnable ended = () -> {
      if (running.decrementAndGet() == 0) {
        close(client);
        close(server);
      }
    };
    Thread.ofVirtual().name("fault-proxy-c2s").start(() -> {
      if (pump(client, server, plan.toServer(), plan.chunking(), 1)) {
        ended.run();
      }
    });
    if (pump(server, client, plan.toClient(), plan.chunking(), 2)) {
      ended.run();
    }
  }

  /**
   * Copies one direction, frame by frame, until EOF, an error, a freeze or a reset.
   *
   * @return false when the direction froze (its sockets must stay open), true otherwise
   */
  private boolean pump(Socket from, Socket to, Tamper tamper, Chunking chunking, long salt) {
    Random random = new Random(chunking.seed() * 31 + salt);
    try {
      PushbackInputStream in = new PushbackInputStream(from.getInputStream(), 4);
      OutputStream out = to.getOutputStream();
      for (int index = 0; ; index++) {
        byte[] frame = readFrame(in);
        if (frame == null) {
          copyRaw(in, out, chunking, random);
          break;
        }
        switch (tamper.at(index, frame)) {
          case Tamper.Action.Emit e -> {
            for (byte[] f : e.frames()) {
              write(out, f, chunking, random);
            }
          }
          case Tamper.Action.Freeze f -> {
            return false; // sockets stay open until the proxy closes
          }
          case Tamper.Action.Reset r -> {
            abort(from, to);
            return true;
          }
        }
      }
      to.shutdownOutput(); // pass the peer's FIN on
    } catch (EOFException e) {
      halfClose(to);
    } catch (IOException e) {
      abort(from, to);
    }
    return true;
  }

  /** A whole frame, or null when the length is out of range (the caller copies raw bytes). */
  private static byte[] readFrame(PushbackInputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int first = in.read();
    if (first < 0) {
      throw new EOFException();
    }
    byte[] header = new byte[4];
    header[0] = (byte) first;
    data.readFully(header, 1, 3);
    long length = ((header[0] & 0xFFL) << 24) | ((header[1] & 0xFF) << 16)
        | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
    if (length < 1 || length > MAX_PAYLOAD) {
      in.unread(header);
      return null;
    }
    byte[] frame = new byte[4 + (int) length];
    System.arraycopy(header, 0, frame, 0, 4);
    data.readFully(frame, 4, (int) length);
    return frame;
  }

  private static void copyRaw(InputStream in, OutputStream out, Chunking chunking,
      Random random) throws IOException {
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      write(out, Arrays.copyOf(buffer, n), chunking, random);
    }
  }

  private static void write(OutputStream out, byte[] bytes, Chunking chunking, Random random)
      throws IOException {
    int at = 0;
    while (at < bytes.length) {
      int left = bytes.length - at;
      int piece = chunking.maxPiece() >= left && chunking.maxDelayNanos() == 0
          ? left // WHOLE, or a piece size above the frame size: one write
          : Math.min(left, 1 + random.nextInt(Math.min(chunking.maxPiece(), left)));
      out.write(bytes, at, piece);
      out.flush();
      at += piece;
      if (chunking.maxDelayNanos() > 0 && at < bytes.length) {
        LockSupport.parkNanos(random.nextLong(chunking.maxDelayNanos() + 1));
      }
    }
  }

  private void halfClose(Socket to) {
    try {
      to.shutdownOutput();
    } catch (IOException ignored) {
      // the other side is gone already
    }
  }

  private void abort(Socket... sockets) {
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0); // RST, not FIN
      } catch (SocketException ignored) {
        // already closed
      }
      close(s);
    }
  }

  private void close(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : List.copyOf(open)) {
      close(s);
    }
  }
}
