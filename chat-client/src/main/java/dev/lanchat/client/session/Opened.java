package dev.lanchat.client.session;

/** The outcome of {@link Connector#open}: connected, handshaken and trusted, or why not. */
public sealed interface Opened {
  /**
   * Ready to join. {@code askedPerson} when a person was asked to trust the server, so the
   * server may have given up waiting meanwhile.
   */
  record Ready(Session session, boolean askedPerson) implements Opened {}

  /** The trust decision refused the server; the user has been told why. */
  record NotTrusted() implements Opened {}

  /** No session: the connection or the handshake failed. */
  record Failed(Problem problem) implements Opened {}
}
