package dev.lanchat.client.session;

/**
 * Decides whether the key a server has just proven is trusted (protocol §6.4). A session asks
 * after SERVER_AUTH has verified and before it sends anything encrypted, and outside the
 * handshake deadline, so the decision may ask a person and take as long as they need.
 */
@FunctionalInterface
public interface ServerTrust {
  /**
   * Decides about {@code serverKey}, the server's Ed25519 public key {@code Si}. Whoever refuses
   * has told the user why.
   */
  Verdict decide(byte[] serverKey);

  /**
   * Decides about {@code serverKey} before a join-code exchange (protocol "Join codes"): a key
   * not seen before is let through without asking and without pinning, because the code will
   * prove it; a changed pin is refused as by {@link #decide}.
   */
  default Verdict beforeCode(byte[] serverKey) {
    return decide(serverKey);
  }

  /**
   * The join code matched for {@code serverKey}: it is pinned without asking. False when the
   * pin could not be saved (the user has been told), so the session ends.
   */
  default boolean codeMatched(byte[] serverKey) {
    return true;
  }

  /** The outcome of a trust decision. */
  sealed interface Verdict {
    /** The key is trusted; {@code askedPerson} when a person was asked (which takes time). */
    record Trusted(boolean askedPerson) implements Verdict {}

    /** The key is not trusted: the session ends before anything encrypted is sent. */
    record Refused() implements Verdict {}
  }
}
