package dev.lanchat.server;

import dev.lanchat.common.BuildInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of {@code chat-server.jar}: runs {@link ServerCommand} and exits with its code.
 * Once the server listens it logs what build it is ({@link BuildInfo}); SIGINT and SIGTERM close
 * it gracefully (BYE to every client) and exit with 0.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /** Runs the server command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(ServerCommand.commandLine(new ServerCommand(Main::started)).execute(args));
  }

  private static void started(ChatServer server) {
    // a log (a journal under systemd) should say which build ran, not only the terminal
    log.info("{}", BuildInfo.current().oneLine("LanChat server"));
    stopOnSignals(server);
  }

  /** Makes SIGINT and SIGTERM (and any other JVM shutdown) close {@code server} gracefully. */
  private static void stopOnSignals(ChatServer server) {
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "lanchat-shutdown"));
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        // a handled signal lets call() return normally, so the exit code is 0, not 130 or 143
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
          log.info("SIG{} received", name);
          Thread.ofPlatform().name("lanchat-stop").start(server::close);
        });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        log.debug("cannot handle SIG{}: the shutdown hook closes the server instead", name);
      }
    }
  }
}
