package dev.lanchat.server.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The server's store cannot be opened, read or written. The message reads as a sentence that
 * names the file; the file itself is left as it is, never replaced or deleted.
 */
public final class StoreException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** A failure with {@code file} for {@code reason}. */
  public StoreException(Path file, String reason) {
    super(file + ": " + reason);
    this.file = file;
  }

  /** A failure with {@code file} for {@code reason}, caused by {@code cause}. */
  public StoreException(Path file, String reason, Throwable cause) {
    super(file + ": " + reason, cause);
    this.file = file;
  }

  /** The store file at fault. */
  public Path file() {
    return file;
  }
}
