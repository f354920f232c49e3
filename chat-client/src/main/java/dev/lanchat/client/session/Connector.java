package dev.lanchat.client.session;

import dev.lanchat.client.session.Problem.Kind;
import dev.lanchat.common.BuildInfo;
import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.rules.TerminalText;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Opens sessions: connect, handshake under an overall deadline, then the trust decision
 * with no deadline at all. Each failure becomes a {@link Problem} that says what happened in
 * the user's words.
 *
 * <p>Thread-safe and stateless; each call uses its own socket.
 */
public final class Connector {
  private static final int CONNECT_TIMEOUT_MS = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Connector() {}

  /**
   * Connects, runs the handshake within the settings' deadline, then asks {@code trust} with no
   * deadline. Problems are returned, never thrown. Call it again for a new session.
   */
  public static Opened open(SessionSettings settings, ServerTrust trust) {
    return open(Objects.requireNonNull(settings, "settings"),
        Objects.requireNonNull(trust, "trust"), System::nanoTime);
  }

  /** Opens a session timed by {@code nanoTime}; the socket is closed unless it is ready. */
  static Opened open(SessionSettings settings, ServerTrust trust, LongSupplier nanoTime) {
    Socket socket = new Socket();
    boolean ready = false;
    try {
      Opened opened = connectAndHandshake(socket, settings, trust, nanoTime);
      ready = opened instanceof Opened.Ready;
      return opened;
    } finally {
      if (!ready) {
        Session.closeQuietly(socket);
      }
    }
  }

  private static Opened connectAndHandshake(Socket socket, SessionSettings settings,
      ServerTrust trust, LongSupplier nanoTime) {
    String hostPort = settings.hostPort();
    try {
      socket.connect(new InetSocketAddress(settings.host(), settings.port()), CONNECT_TIMEOUT_MS);
    } catch (UnknownHostException e) {
      return failed(Kind.CONNECT, "cannot connect: unknown host "
          + TerminalText.render(settings.host()));
    } catch (java.net.ConnectException e) {
      // refused: nothing listens there, which is most often a server not started or a typo
      return failed(Kind.CONNECT, "cannot connect to " + hostPort + ": " + Problem.describe(e)
          + "; is the server running? check --host/--port");
    } catch (IOException e) {
      return failed(Kind.CONNECT, "cannot connect to " + hostPort + ": " + Problem.describe(e));
    }
    DeadlineInput input;
    Wire wire;
    try {
      socket.setTcpNoDelay(true);
      input = new DeadlineInput(socket, nanoTime);
      input.arm(settings.handshakeDeadline());
      wire = Wire.handshake(input, socket.getOutputStream(), RANDOM);
    } catch (IOException e) {
      return new Opened.Failed(handshakeProblem(e, settings));
    }
    // the deadline bounds the server, not the person who may now be asked
    input.idle(settings.handshakeDeadline());
    return switch (trust.decide(wire.serverKey())) {
      case ServerTrust.Verdict.Trusted trusted -> authenticated(settings, socket, input, wire,
          trusted.askedPerson());
      case ServerTrust.Verdict.Refused refused -> new Opened.NotTrusted();
    };
  }

  /** Proves the client's key to a trusted server (CLIENT_AUTH), then the session may start. */
  private static Opened authenticated(SessionSettings settings, Socket socket,
      DeadlineInput input, Wire wire, boolean askedPerson) {
    try {
      wire.authenticate(settings.identity());
    } catch (IOException e) {
      return failed(Kind.LOST, "connection lost: " + Problem.describe(e));
    }
    return new Opened.Ready(new Session(settings, socket, input, wire), askedPerson);
  }

  /** Says what a failed handshake means. */
  static Problem handshakeProblem(IOException failure, SessionSettings settings) {
    String hostPort = settings.hostPort();
    return switch (failure) {
      case ProtocolException e -> {
        String why = TerminalText.render(e.getMessage());
        yield switch (e.reason()) {
          case BAD_SERVER_AUTH -> new Problem(Kind.NOT_AUTHENTIC, hostPort
              + " failed to prove its identity: " + why);
          case VERSION_MISMATCH -> new Problem(Kind.HANDSHAKE, "the server at " + hostPort
              + " speaks LanChat protocol " + e.peerVersion().orElse(-1) + "; this client needs "
              + BuildInfo.PROTOCOL_VERSION);
          default -> new Problem(Kind.HANDSHAKE, "handshake with " + hostPort
              + " failed: " + why);
        };
      }
      case EOFException e -> new Problem(Kind.HANDSHAKE, hostPort
          + " closed the connection during the handshake (is it a LanChat server?)");
      case SocketTimeoutException e -> new Problem(Kind.HANDSHAKE, hostPort
          + " did not complete the handshake within " + shown(settings.handshakeDeadline())
          + " (is it a LanChat server?)");
      default -> new Problem(Kind.LOST, "connection lost: " + Problem.describe(failure));
    };
  }

  private static String shown(java.time.Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static Opened failed(Kind kind, String message) {
    return new Opened.Failed(new Problem(kind, message));
  }
}
