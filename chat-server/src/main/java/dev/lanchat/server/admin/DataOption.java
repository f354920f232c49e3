package dev.lanchat.server.admin;

import dev.lanchat.common.storage.LanchatHome;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data FILE} option every admin command shares: which store to work on. */
public final class DataOption {
  @Option(names = "--data", paramLabel = "FILE",
      description = "the server's store, the same file the server uses"
          + " (default: ~/.lanchat/server.db)")
  Path file = LanchatHome.file("server.db");
}
