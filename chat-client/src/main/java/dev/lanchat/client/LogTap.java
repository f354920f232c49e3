package dev.lanchat.client;

import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Where {@link ChatProgram} hands what it shows for the chat log ({@code --log}): each event in
 * the piped line format with the room named on every room line (no colour, no emphasis,
 * whatever the console shows), and the program's own notes about the connection. Without
 * {@code --log} it does nothing.
 *
 * <p>Thread-safe.
 */
final class LogTap implements AutoCloseable {
  private final ZoneId zone;
  private final EventFormat plain;
  private volatile Optional<ChatLog> log = Optional.empty();
  // our name, so the log says "you entered #dev" as the screen does
  private volatile String me = "";

  LogTap(ZoneId zone) {
    this.zone = zone;
    this.plain = new EventFormat(zone, 0, false);
  }

  /**
   * Starts logging the server at {@code hostPort}, joined as {@code name}, into {@code dir}, if
   * given; once.
   */
  void open(Optional<Path> dir, String hostPort, String name, Console console) {
    me = name;
    if (dir.isEmpty() || log.isPresent()) {
      return;
    }
    try {
      log = Optional.of(ChatLog.open(dir.get(), hostPort, Clock.system(zone), console::problem));
    } catch (IOException e) {
      console.problem("! no chat log: cannot use " + dir.get() + ": " + e.getMessage());
    }
  }

  /** One server event as its line; errors are about our input, not the chat, and stay out. */
  void event(ServerMessage message) {
    if (log.isPresent()) {
      plain.logLine(message, me).ifPresent(this::append);
      if (message instanceof ServerMessage.Renamed r
          && Names.skeleton(r.oldName()).equals(Names.skeleton(me))) {
        me = r.newName();
      }
    }
  }

  /** One line of our own (a connection notice). */
  void append(String line) {
    log.ifPresent(l -> l.append(line));
  }

  @Override
  public void close() {
    log.ifPresent(ChatLog::close);
  }
}
