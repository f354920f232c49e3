package dev.lanchat.client;

import dev.lanchat.common.storage.SecureFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Set;

/**
 * The opt-in chat log ({@code --log DIR}): every shown event, one line each in the piped line
 * format, appended to one file per server and day, {@code DIR/<host_port>-YYYY-MM-DD.log}.
 * The folder is made owner-only when it is created, each file is created owner-only (0600) and
 * opened in append mode without following a symbolic link, so a chat never lands where others
 * can read it.
 *
 * <p>A write that fails is reported once and logging stops; the chat goes on. Thread-safe: the
 * session's reader thread and the input thread both write.
 */
public final class ChatLog implements AutoCloseable {
  private static final OpenOption[] APPEND = {StandardOpenOption.CREATE,
      StandardOpenOption.APPEND, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS};

  /** Told once when the log cannot be written any more. */
  @FunctionalInterface
  public interface Failure {
    void failed(String why);
  }

  private final Path dir;
  private final String server;
  private final Clock clock;
  private final Failure failure;
  private LocalDate day;
  private OutputStream out;
  private boolean broken;

  private ChatLog(Path dir, String hostPort, Clock clock, Failure failure) {
    this.dir = dir;
    this.server = safeName(hostPort);
    this.clock = clock;
    this.failure = failure;
  }

  /**
   * A log of the server at {@code hostPort} in {@code dir}, which is created owner-only if it
   * is missing; days follow {@code clock}'s zone.
   *
   * @throws IOException if the folder cannot be created or is not a folder
   */
  public static ChatLog open(Path dir, String hostPort, Clock clock, Failure failure)
      throws IOException {
    Objects.requireNonNull(hostPort, "hostPort");
    prepare(dir);
    return new ChatLog(dir, hostPort, Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(failure, "failure"));
  }

  /**
   * Creates {@code dir} owner-only (0700) when it is missing, so {@code --log} is checked before
   * connecting.
   *
   * @throws IOException if it cannot be created, or is there but not a folder
   */
  public static void prepare(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (Files.exists(dir)) { // the JDK's own message would be the path alone
      throw new IOException("it is a file; --log takes a folder, and writes one file a day"
          + " into it");
    }
    SecureFiles.createFolder(dir);
  }

  /** {@code host:port} as a file name: anything but letters, digits, dot and dash becomes _. */
  static String safeName(String hostPort) {
    String safe = hostPort.replaceAll("[^A-Za-z0-9.-]", "_");
    // "." and ".." alone would name a folder; a leading dot would hide the file
    return safe.startsWith(".") ? "_" + safe.substring(1) : safe;
  }

  /** The file written for {@code date}. */
  Path fileFor(LocalDate date) {
    return dir.resolve(server + "-" + date + ".log");
  }

  /** Appends one shown line (already terminal-safe, without colour escapes). */
  public synchronized void append(String line) {
    if (broken) {
      return;
    }
    try {
      LocalDate today = LocalDate.now(clock);
      if (!today.equals(day)) {
        closeFile();
        out = openFile(fileFor(today));
        day = today;
      }
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      broken = true;
      closeFile();
      failure.failed("! the chat log stopped: cannot write " + fileFor(LocalDate.now(clock))
          + ": " + e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    closeFile();
  }

  private static OutputStream openFile(Path file) throws IOException {
    if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
      try { // created owner-only from the first byte, never widened later
        Files.newByteChannel(file,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            SecureFiles.ownerOnlyFile(file.toAbsolutePath().getParent())).close();
      } catch (FileAlreadyExistsException raced) {
        // another client of the same server made it meanwhile: append to it
      }
    }
    OutputStream stream = Files.newOutputStream(file, APPEND);
    SecureFiles.narrowToOwner(file); // an older file made by hand is narrowed
    return stream;
  }

  private void closeFile() {
    if (out == null) {
      return;
    }
    try {
      out.close();
    } catch (IOException e) {
      // every line was flushed when written; a failed close loses nothing
    }
    out = null;
    day = null;
  }
}
