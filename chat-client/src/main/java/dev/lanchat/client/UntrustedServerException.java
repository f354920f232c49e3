package dev.lanchat.client;

import java.io.IOException;

/**
 * The client refused the server's key (protocol §6): the connection ends before anything
 * encrypted is sent. The user has already been told why.
 */
public final class UntrustedServerException extends IOException {
  private static final long serialVersionUID = 1L;

  public UntrustedServerException(String message) {
    super(message);
  }
}
