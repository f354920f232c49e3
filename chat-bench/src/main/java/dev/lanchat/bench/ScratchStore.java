package dev.lanchat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A store file of its own for each scenario's in-process server, in a fresh temporary folder:
 * names bound in one run (or in the user's own {@code ~/.lanchat/server.db}) never refuse the
 * load clients of the next.
 */
final class ScratchStore {
  private ScratchStore() {}

  /** A path to a store file that does not exist yet, in a new temporary folder. */
  static Path fresh() {
    try {
      return Files.createTempDirectory("lanchat-bench").resolve("server.db");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a folder for the server's store", e);
    }
  }
}
