package dev.lanchat.client.session;

import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One connection to a server, made by {@link Connector#open} (connect, handshake, trust):
 * {@link #join}, then {@link #start} to receive in the background while the program
 * {@link #send}s, until {@link #goodbye}, the server or a failure ends it ({@link #awaitEnd}).
 * A session never prints; it returns what happened. Opening another session after one ended is
 * just another {@link Connector#open}.
 *
 * <p>What is sent waits in a bounded queue and leaves it paced ({@link Pacer}) to stay inside
 * the server's limits, so a fast script or a pasted burst is delivered, never rate-limited;
 * {@link #send} blocks while the queue is full, so nothing is dropped either. At goodbye the
 * session queues a PING behind everything and waits for the PONG with that token, so everything
 * sent before has been handled by the server, then sends BYE; the wait grows with the queue.
 * While started, a PING also goes out whenever nothing was sent for the keep-alive interval.
 *
 * <p>Threads: {@code open} and {@code join} run on the caller's thread; after {@code start} one
 * thread reads the socket, one sends the queue and a timer sends keep-alives, and {@code send},
 * {@code goodbye} and {@code stop} may be called from any thread.
 */
public final class Session implements AutoCloseable {
  private static final Duration GOODBYE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(90);
  /** Lines typed or piped ahead of the pacing; a full queue makes {@link #send} wait. */
  static final int QUEUE_CAPACITY = 256;

  /** Receives every server event of a started session but PONG and BYE, on the reader thread. */
  @FunctionalInterface
  public interface Listener {
    void received(ServerMessage message);
  }

  private final SessionSettings settings;
  private final Socket socket;
  private final DeadlineInput input;
  private final Wire wire;
  private final Confirmation confirmation = new Confirmation();
  private final CompletableFuture<Ending> ending = new CompletableFuture<>();
  private final KeepAlive keepAlive;
  private final SendQueue queue = new SendQueue(QUEUE_CAPACITY, this::isOver);
  private volatile SendLimits limits = SendLimits.SERVER_DEFAULTS;
  private volatile Outstanding outstanding;
  private int joinsSent;
  private volatile boolean leaving;

  Session(SessionSettings settings, Socket socket, DeadlineInput input, Wire wire) {
    this.settings = settings;
    this.socket = socket;
    this.input = input;
    this.wire = wire;
    // a keep-alive never waits for room: a full queue is about to send anyway
    this.keepAlive = new KeepAlive(settings.pingInterval(),
        () -> queue.offer(new ClientMessage.Ping(confirmation.nextToken())));
  }

  /** The limits this session paces to: the server's defaults until WELCOME states them. */
  public SendLimits limits() {
    return limits;
  }

  /** {@code host:port} of the server. */
  public String hostPort() {
    return settings.hostPort();
  }

  /** The server's long-term key {@code Si}, proven by SERVER_AUTH and trusted (a copy). */
  public byte[] serverKey() {
    return wire.serverKey();
  }

  /**
   * Sends JOIN and waits, within the handshake deadline, for the answer; PONGs and strays
   * before it are skipped. May be called again after a {@link JoinResult.Refused}.
   */
  public JoinResult join(String name) {
    input.arm(settings.handshakeDeadline());
    JoinResult result = JoinStep.run(wire, m -> {
      write(m);
      joinsSent++;
    }, name);
    if (result instanceof JoinResult.Joined joined) { // the server's own limits
      limits = new SendLimits(joined.welcome().rate(), joined.welcome().burst());
    }
    return result;
  }

  /** After joining: starts the reader thread, giving events to {@code listener}, and the keep-alive. */
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    startThreads(listener);
  }

  /**
   * {@link #start}, telling {@code tracking} what is written and which PINGs are answered, and
   * sending a PING whenever a SAY, DM or ME was written and nothing else waits, so that what
   * the server has is confirmed soon and a reconnect resends little.
   */
  void start(Listener listener, Outstanding tracking) {
    Objects.requireNonNull(listener, "listener");
    this.outstanding = Objects.requireNonNull(tracking, "tracking");
    startThreads(listener);
  }

  private void startThreads(Listener listener) {
    queue.pace(limits, joinsSent);
    Duration idle = settings.pingInterval().multipliedBy(3);
    input.idle(idle.compareTo(MIN_IDLE_TIMEOUT) > 0 ? idle : MIN_IDLE_TIMEOUT);
    keepAlive.start();
    Thread reader = new Thread(() -> read(listener), "lanchat-reader");
    reader.setDaemon(true); // a session the program abandons never keeps the JVM alive
    reader.start();
    Thread sender = new Thread(() -> queue.sendQueued(this::sendAndConfirm), "lanchat-sender");
    sender.setDaemon(true);
    sender.start();
  }

  /**
   * Queues one message to be sent, paced; waits while the queue is full. Returns false when the
   * session is over (nothing more will be sent); a failure to send ends the session
   * ({@link Ending.Failed}).
   */
  public boolean send(ClientMessage message) {
    Objects.requireNonNull(message, "message");
    return queue.put(message);
  }

  /** {@link #goodbye(String)} without a parting line. */
  public void goodbye() {
    goodbye("");
  }

  /**
   * Leaves politely: PING, wait for its PONG (the server has handled everything sent before),
   * then BYE carrying {@code message} (the /quit line everyone's LEFT shows; empty for none),
   * and the session ends as {@link Ending.Left}. Returns once that is done or the session ended
   * otherwise.
   */
  public void goodbye(String message) {
    Objects.requireNonNull(message, "message");
    long token = confirmation.expect();
    // the reader ends the session before it abandons the confirmation: either it sees this
    // PING's PONG, or the session is over already
    if (isOver() || !send(new ClientMessage.Ping(token))) {
      return;
    }
    // the PING waits behind every queued line: the deadline grows with what is still queued
    Duration wait = GOODBYE_TIMEOUT.plusNanos(queue.drainNanos());
    switch (confirmation.await(wait)) {
      case CONFIRMED -> { }
      case TIMED_OUT -> {
        end(new Ending.Failed("the server did not confirm the last lines within "
            + Math.max(1, wait.toSeconds()) + " s"));
        return;
      }
      case CONNECTION_OVER, INTERRUPTED -> {
        return; // the reader ended the session and said why, or we are told to stop
      }
    }
    leaving = true;
    trySend(new ClientMessage.Bye(message));
    end(new Ending.Left());
  }

  /** Ends the session for a reason of the program's own (for example, input failed). */
  public void stop(String why) {
    end(new Ending.Failed(why));
  }

  /** True once the session has ended. */
  public boolean isOver() {
    return ending.isDone();
  }

  /** Waits for the end of a started session. */
  public Ending awaitEnd() {
    return ending.join();
  }

  /** Stops the keep-alive and closes the connection. */
  @Override
  public void close() {
    keepAlive.close();
    closeQuietly(socket);
  }

  private void read(Listener listener) {
    try {
      while (!isOver()) {
        ServerMessage m = wire.receive();
        switch (m) {
          case ServerMessage.Pong pong -> {
            Outstanding tracking = outstanding;
            if (tracking != null) {
              tracking.confirmed(pong.token());
            }
            confirmation.answered(pong.token());
          }
          case ServerMessage.Bye bye -> {
            if (!leaving) {
              end(new Ending.ServerBye(bye));
            }
            return;
          }
          default -> listener.received(m);
        }
      }
    } catch (IOException e) {
      end(Ending.Failed.readFailed(e));
    } finally {
      confirmation.abandon();
    }
  }

  /** The sender thread's send: {@link #trySend}, then a PING to confirm a tracked message. */
  private boolean sendAndConfirm(ClientMessage message) {
    if (!trySend(message)) {
      return false;
    }
    // a tracked line may be followed by a message that is not (a SIGNED_HEAD the chain watch
    // sends): the PING goes after whatever drains the queue while a line is unconfirmed
    if (outstanding != null && !(message instanceof ClientMessage.Ping)
        && outstanding.awaitsConfirmation() && queue.isEmpty()) {
      queue.offer(new ClientMessage.Ping(confirmation.nextToken()));
    }
    return true;
  }

  /** Sends, or ends the session when the connection has failed; true when sent. */
  private boolean trySend(ClientMessage message) {
    try {
      write(message);
      return true;
    } catch (IOException e) {
      if (!leaving) {
        end(new Ending.Failed("connection lost: " + Problem.describe(e)));
      }
      return false;
    }
  }

  private void write(ClientMessage message) throws IOException {
    Outstanding tracking = outstanding;
    boolean ping = message instanceof ClientMessage.Ping;
    if (tracking != null && ping) {
      tracking.written(message); // before the bytes go: its PONG may be read at once
    }
    wire.send(message);
    keepAlive.sent();
    if (tracking != null && !ping) {
      tracking.written(message);
    }
  }

  /** Ends the session once; the first end wins, and once leaving only the goodbye may end it. */
  private synchronized void end(Ending how) {
    if (leaving && !(how instanceof Ending.Left)) {
      return;
    }
    ending.complete(how);
  }

  static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // the session is over either way; a failed close has nothing left to tell
    }
  }
}
