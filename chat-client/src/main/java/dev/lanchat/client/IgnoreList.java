package dev.lanchat.client;

import dev.lanchat.common.rules.Names;
import dev.lanchat.common.storage.BadFileException;
import dev.lanchat.common.storage.FileAccess;
import dev.lanchat.common.storage.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The names whose lines the user does not want to see ({@code /ignore}), per server: the same
 * name on two servers may be two people, so each entry is kept under the server's key. One
 * entry a line, {@code SERVER-KEY NAME} (the key in base64); blank lines and lines starting with
 * {@code #} are skipped. The file is rewritten whole, atomically and owner-only, on each change;
 * a file that cannot be read or parsed is an error, never treated as empty.
 *
 * <p>Names are matched by {@linkplain Names#skeleton skeleton}, as the server matches them.
 * Thread-safe: the session's reader thread asks while the input thread changes the list.
 */
final class IgnoreList {
  /** Most names ignored on one server: each costs a line of the file and a check a message. */
  static final int MAX_PER_SERVER = 1_000;

  private static final String HEADER =
      "# LanChat ignored names: SERVER-KEY NAME (one a line), written by /ignore";

  /** What {@link Server#ignore} did. */
  enum Added { ADDED, ALREADY, FULL }

  private final Path file;
  /** Per server key (base64): name skeleton to name as typed, in the order they were added. */
  private final Map<String, Map<String, String>> servers;

  private IgnoreList(Path file, Map<String, Map<String, String>> servers) {
    this.file = file;
    this.servers = servers;
  }

  /**
   * Reads the file; one that does not exist yet ignores nobody.
   *
   * @throws BadFileException if the file exists but cannot be read or parsed, or others may
   *     write it
   */
  static IgnoreList load(Path file) throws BadFileException {
    List<String> lines;
    try {
      FileAccess.forCurrentUser().requireNotWritableByOthers(file);
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new IgnoreList(file, new LinkedHashMap<>());
    } catch (BadFileException e) {
      throw e;
    } catch (IOException e) {
      throw new BadFileException(file, "cannot read the ignore file ("
          + e.getClass().getSimpleName() + ")", e);
    }
    Map<String, Map<String, String>> servers = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\\s+");
      if (fields.length != 2 || !isServerKey(fields[0]) || !Names.isValid(fields[1])) {
        throw new BadFileException(file, "line " + (i + 1)
            + " is not \"SERVER-KEY NAME\" (a base64 key of 32 bytes and a valid name)");
      }
      Map<String, String> names = servers.computeIfAbsent(fields[0], k -> new LinkedHashMap<>());
      if (names.size() < MAX_PER_SERVER) {
        names.putIfAbsent(Names.skeleton(fields[1]), fields[1]);
      }
    }
    return new IgnoreList(file, servers);
  }

  /** The file behind this list. */
  Path file() {
    return file;
  }

  /** The list of the server with {@code serverKey}. */
  Server forServer(byte[] serverKey) {
    return new Server(Base64.getEncoder().encodeToString(serverKey));
  }

  private static boolean isServerKey(String field) {
    try {
      return Base64.getDecoder().decode(field).length == 32;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private synchronized boolean contains(String server, String name) {
    Map<String, String> names = servers.get(server);
    return names != null && names.containsKey(Names.skeleton(name));
  }

  private synchronized List<String> names(String server) {
    return List.copyOf(servers.getOrDefault(server, Map.of()).values());
  }

  private synchronized Added add(String server, String name) throws IOException {
    Map<String, String> names = servers.computeIfAbsent(server, k -> new LinkedHashMap<>());
    if (names.containsKey(Names.skeleton(name))) {
      return Added.ALREADY;
    }
    if (names.size() >= MAX_PER_SERVER) {
      return Added.FULL;
    }
    names.put(Names.skeleton(name), name);
    save(() -> names.remove(Names.skeleton(name)));
    return Added.ADDED;
  }

  private synchronized boolean remove(String server, String name) throws IOException {
    Map<String, String> names = servers.get(server);
    String removed = names == null ? null : names.remove(Names.skeleton(name));
    if (removed == null) {
      return false;
    }
    save(() -> names.put(Names.skeleton(name), removed));
    return true;
  }

  /** Writes the whole list; on failure, {@code undo} puts the memory back as the file is. */
  private void save(Runnable undo) throws IOException {
    StringBuilder out = new StringBuilder(HEADER).append('\n');
    servers.forEach((server, names) -> names.values().forEach(
        n -> out.append(server).append(' ').append(n).append('\n')));
    try {
      SecureFiles.replace(file, out.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      undo.run();
      throw e;
    }
  }

  /** The ignored names of one server. Thread-safe, as the list it belongs to. */
  final class Server {
    private final String server;

    private Server(String server) {
      this.server = Objects.requireNonNull(server, "server");
    }

    /** True when lines from {@code name} are hidden. */
    boolean isIgnored(String name) {
      return contains(server, name);
    }

    /** The ignored names, in the order they were added, as the user typed them. */
    List<String> names() {
      return IgnoreList.this.names(server);
    }

    /**
     * Hides {@code name}'s lines from now on and writes the file.
     *
     * @throws IOException if the file cannot be written (the name is then not ignored)
     */
    Added ignore(String name) throws IOException {
      return add(server, name);
    }

    /**
     * Shows {@code name}'s lines again; false when it was not ignored.
     *
     * @throws IOException if the file cannot be written (the name then stays ignored)
     */
    boolean unignore(String name) throws IOException {
      return remove(server, name);
    }

    /**
     * Follows a rename: the server moved the key's binding from {@code from} to {@code to},
     * so the person ignored as {@code from} is now {@code to}, and {@code from} is free for
     * someone else. True when the list changed.
     *
     * @throws IOException if the file cannot be written
     */
    boolean renamed(String from, String to) throws IOException {
      if (!isIgnored(from) || !Names.isValid(to)) {
        return false;
      }
      unignore(from);
      return ignore(to) == Added.ADDED;
    }
  }
}
