package dev.lanchat.common.trust;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.Fingerprint;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The client's memory of other members' keys, per server: under each server key, which client
 * key each name had when we last saw it. The server binds names to keys, so a known name that
 * comes back with another key means the server was reset or is not honest, and the client says
 * so loudly. One entry a line: {@code SERVER-KEY NAME ed25519 PEER-KEY} (keys in base64); blank
 * lines and lines starting with {@code #} are kept as they are. A file that cannot be read or
 * parsed is an error, never treated as empty. Written atomically and owner-only.
 *
 * <p>Names are matched by {@linkplain Names#skeleton skeleton}, as the server matches them. Not
 * thread-safe; one client process owns its file.
 */
public final class KnownPeers {
  /**
   * Most names kept per server: a server sends every name it likes, and each costs a line here,
   * so one server cannot grow the file without bound.
   */
  public static final int MAX_PEERS_PER_SERVER = 10_000;

  private static final String KEY_TYPE = "ed25519";
  private static final int KEY_SIZE = 32;

  /** What {@link #check} found for a name and key. */
  public sealed interface Check {
    /** The name was never seen with this server. */
    record New() implements Check {}

    /** The name has the key it had before. */
    record Same() implements Check {}

    /**
     * The name comes with another key than before: warn, showing both fingerprints.
     *
     * @param oldKey the key remembered for the name
     * @param newKey the key the name has now
     */
    record Changed(ByteString oldKey, ByteString newKey) implements Check {
      public Changed {
        Objects.requireNonNull(oldKey, "oldKey");
        Objects.requireNonNull(newKey, "newKey");
      }

      /** The change from a copy of {@code oldKey} to a copy of {@code newKey}. */
      public Changed(byte[] oldKey, byte[] newKey) {
        this(ByteString.copyOf(oldKey), ByteString.copyOf(newKey));
      }

      /** The remembered key's fingerprint. */
      public String oldFingerprint() {
        return Fingerprint.of(oldKey);
      }

      /** The new key's fingerprint. */
      public String newFingerprint() {
        return Fingerprint.of(newKey);
      }
    }
  }

  /** One remembered key, on {@code line} (0-based) of the file. */
  private record Entry(String name, byte[] key, int line) {}

  private final Path file;
  private final List<String> lines;
  /** By {@link #slot}: server key and name skeleton. */
  private final Map<String, Entry> entries;
  /** Names remembered per server (base64 server key). */
  private final Map<String, Integer> counts;

  private final int maxPerServer;

  private KnownPeers(Path file, List<String> lines, Map<String, Entry> entries,
      Map<String, Integer> counts, int maxPerServer) {
    this.maxPerServer = maxPerServer;
    this.file = file;
    this.lines = lines;
    this.entries = entries;
    this.counts = counts;
  }

  /**
   * Reads the file; a file that does not exist yet remembers nothing.
   *
   * @throws BadFileException if the file exists but cannot be read or parsed, is owned by another
   *     user, or its group or others may write it (whoever can write it can plant a key)
   */
  public static KnownPeers load(Path file) throws BadFileException {
    return load(file, MAX_PEERS_PER_SERVER);
  }

  /** {@link #load(Path)} with another cap per server (tests reach it without 10,000 writes). */
  static KnownPeers load(Path file, int maxPerServer) throws BadFileException {
    List<String> lines;
    try {
      FileAccess.forCurrentUser().requireNotWritableByOthers(file);
      lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return new KnownPeers(file, new ArrayList<>(), new HashMap<>(), new HashMap<>(), maxPerServer);
    } catch (BadFileException e) {
      throw e;
    } catch (IOException e) {
      throw new BadFileException(file, "cannot read the known-peers file ("
          + e.getClass().getSimpleName() + ")", e);
    }
    Map<String, Entry> entries = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\\s+");
      if (fields.length != 4 || !KEY_TYPE.equals(fields[2])) {
        throw bad(file, i, "is not \"SERVER-KEY NAME ed25519 PEER-KEY\"");
      }
      byte[] server = key(file, i, fields[0], "server key");
      if (!Names.isValid(fields[1])) {
        throw bad(file, i, "has a name that breaks the name rules: "
            + Names.problem(fields[1]).orElseThrow());
      }
      Entry entry = new Entry(fields[1], key(file, i, fields[3], "peer key"), i);
      String serverId = encode(server);
      Entry earlier = entries.put(slot(serverId, fields[1]), entry);
      if (earlier != null) {
        throw bad(file, i, "names " + fields[1] + " again for the same server (line "
            + (earlier.line() + 1) + ")");
      }
      counts.merge(serverId, 1, Integer::sum);
    }
    return new KnownPeers(file, lines, entries, counts, maxPerServer);
  }

  /** The file behind this memory. */
  public Path file() {
    return file;
  }

  /**
   * Compares {@code peerKey} with the key remembered for {@code name} on the server with
   * {@code serverKey}.
   *
   * @throws IllegalArgumentException if a key is not 32 bytes or the name breaks the rules
   */
  public Check check(byte[] serverKey, String name, byte[] peerKey) {
    checkArguments(serverKey, name, peerKey);
    Optional<Entry> known = Optional.ofNullable(entries.get(slot(encode(serverKey), name)));
    if (known.isEmpty()) {
      return new Check.New();
    }
    byte[] old = known.get().key();
    return Bytes.constantTimeEquals(old, peerKey)
        ? new Check.Same()
        : new Check.Changed(old, peerKey);
  }

  /**
   * Remembers {@code peerKey} for {@code name} on the server with {@code serverKey}, replacing
   * what was remembered for that name, and writes the file atomically, owner-only.
   *
   * @return false, with nothing written, when the name is new and the server already has
   *     {@link #MAX_PEERS_PER_SERVER} names here (the client then simply does not pin it)
   * @throws IllegalArgumentException if a key is not 32 bytes or the name breaks the rules
   * @throws IOException if the file cannot be written
   */
  public boolean remember(byte[] serverKey, String name, byte[] peerKey) throws IOException {
    checkArguments(serverKey, name, peerKey);
    String serverId = encode(serverKey);
    String slot = slot(serverId, name);
    String line = serverId + " " + name + " " + KEY_TYPE + " " + encode(peerKey);
    Entry known = entries.get(slot);
    if (known != null) {
      lines.set(known.line(), line);
      entries.put(slot, new Entry(name, peerKey.clone(), known.line()));
    } else {
      if (counts.getOrDefault(serverId, 0) >= maxPerServer) {
        return false;
      }
      if (lines.isEmpty()) {
        lines.add("# LanChat known peers: SERVER-KEY NAME ed25519 PEER-KEY (one a line)");
      }
      lines.add(line);
      entries.put(slot, new Entry(name, peerKey.clone(), lines.size() - 1));
      counts.merge(serverId, 1, Integer::sum);
    }
    SecureFiles.replace(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    return true;
  }

  private static String slot(String serverId, String name) {
    return serverId + " " + Names.skeleton(name);
  }

  private static void checkArguments(byte[] serverKey, String name, byte[] peerKey) {
    if (serverKey.length != KEY_SIZE || peerKey.length != KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 key is 32 bytes");
    }
    Names.problem(name).ifPresent(problem -> {
      throw new IllegalArgumentException("not a valid name: " + problem);
    });
  }

  private static byte[] key(Path file, int line, String text, String what)
      throws BadFileException {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw bad(file, line, "has a " + what + " that is not base64");
    }
    if (key.length != KEY_SIZE) {
      throw bad(file, line, "has a " + what + " that is not 32 bytes");
    }
    return key;
  }

  private static String encode(byte[] key) {
    return Base64.getEncoder().encodeToString(key);
  }

  private static BadFileException bad(Path file, int line, String problem) {
    return new BadFileException(file, "line " + (line + 1) + " " + problem);
  }
}
