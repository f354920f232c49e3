package dev.lanchat.common.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file LanChat depends on (identity key, known servers) exists but cannot be read or parsed.
 * It stops the program: such a file is never treated as empty or silently replaced.
 */
public final class BadFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public BadFileException(Path file, String reason) {
    super(file + ": " + reason);
    this.file = file;
  }

  public BadFileException(Path file, String reason, Throwable cause) {
    super(file + ": " + reason, cause);
    this.file = file;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }
}
