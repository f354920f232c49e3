package dev.lanchat.client;

import dev.lanchat.common.storage.BadFileException;
import java.nio.file.Files;

/**
 * What the user is told about a file the client depends on (known servers, known peers, the
 * ignore list) that is there but cannot be used: what is wrong with it, then what to do. Such a
 * file stops the client; it is never taken as empty, which would forget every pin.
 */
final class UnusableFile {
  private UnusableFile() {}

  /** Tells {@code console} that the {@code what} cannot be used, and why. */
  static void tell(Console console, String what, BadFileException e) {
    console.problem("! cannot use the " + what + ": " + e.getMessage());
    console.problem(Files.isDirectory(e.file())
        ? "! Give the path of a file there, not of a folder."
        : "! Fix or remove that file; it is never treated as empty.");
  }
}
