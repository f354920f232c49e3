package dev.lanchat.common.handshake;

import java.io.IOException;

/**
 * The client's decision to trust a server's long-term key {@code Si} (protocol §6), taken after
 * SERVER_AUTH has verified and before anything encrypted is sent.
 */
@FunctionalInterface
public interface ServerKeyVerifier {
  /** Trusts every key. Only for tests and benchmarks. */
  ServerKeyVerifier TRUST_ANY = serverIdentity -> { };

  /**
   * Returns normally to trust {@code serverIdentity}; throws to refuse it.
   *
   * @throws IOException (typically a caller-defined subtype) to refuse the server
   */
  void verify(byte[] serverIdentity) throws IOException;
}
