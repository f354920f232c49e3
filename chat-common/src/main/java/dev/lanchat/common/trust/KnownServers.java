package dev.lanchat.common.trust;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Fingerprint;
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
import java.util.List;
import java.util.Optional;

/**
 * The client's pins (protocol §6.3, §6.4): which Ed25519 key each {@code host:port} proved last
 * time, like SSH's known_hosts. One pin a line: {@code host:port ed25519 BASE64-KEY}; blank lines and
 * lines starting with {@code #} are kept as they are. A file that cannot be read or parsed is an
 * error, never treated as empty. Pins are written atomically and owner-only.
 *
 * <p>Not thread-safe; one client process owns its file.
 */
public final class KnownServers {
  private static final String KEY_TYPE = "ed25519";

  /** The result of looking a server up. */
  public enum Outcome {
    /** No pin for this {@code host:port}. */
    UNKNOWN,
    /** The pinned key is the key the server proved. */
    MATCH,
    /** A different key is pinned: refuse loudly. */
    MISMATCH
  }

  /** One pin: {@code hostPort} pinned to {@code key}, on {@code line} (1-based) of the file. */
  public record Pin(String hostPort, ByteString key, int line) {
    /** A pin holding a copy of {@code key}. */
    public Pin(String hostPort, byte[] key, int line) {
      this(hostPort, ByteString.copyOf(key), line);
    }

    /** The pinned key's fingerprint. */
    public String fingerprint() {
      return Fingerprint.of(key);
    }
  }

  /** What {@link #check} found: the outcome, and the pin behind MATCH or MISMATCH. */
  public record Lookup(Outcome outcome, Optional<Pin> pin) {}

  private final Path file;
  private final List<String> lines;
  private final List<Pin> pins;

  private KnownServers(Path file, List<String> lines, List<Pin> pins) {
    this.file = file;
    this.lines = lines;
    this.pins = pins;
  }

  /**
   * Reads the file; a file that does not exist yet holds no pins.
   *
   * @throws BadFileException if the file exists but cannot be read or parsed, is owned by another
   *     user, or its group or others may write it (whoever can write it can plant a pin)
   */
  public static KnownServers load(Path file) throws BadFileException {
    List<String> lines;
    try {
      FileAccess.forCurrentUser().requireNotWritableByOthers(file);
      lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return new KnownServers(file, new ArrayList<>(), new ArrayList<>());
    } catch (BadFileException e) {
      throw e;
    } catch (IOException e) {
      throw new BadFileException(file, "cannot read the known-servers file ("
          + e.getClass().getSimpleName() + ")", e);
    }
    List<Pin> pins = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      pins.add(parse(file, line, i + 1));
    }
    return new KnownServers(file, lines, pins);
  }

  private static Pin parse(Path file, String line, int number) throws BadFileException {
    String[] fields = line.split("\\s+");
    if (fields.length != 3 || !KEY_TYPE.equals(fields[1]) || fields[0].lastIndexOf(':') <= 0) {
      throw new BadFileException(file, "line " + number
          + " is not \"host:port ed25519 BASE64-KEY\"");
    }
    ByteString key;
    try {
      key = ByteString.fromBase64(fields[2]);
    } catch (IllegalArgumentException e) {
      throw new BadFileException(file, "line " + number + " has a key that is not base64");
    }
    if (key.size() != 32) {
      throw new BadFileException(file, "line " + number + " has a key that is not 32 bytes");
    }
    return new Pin(fields[0], key, number);
  }

  /** {@code host:port}, with an IPv6 literal in brackets, as pins are keyed. */
  public static String hostPort(String host, int port) {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return h + ":" + port;
  }

  /** The file behind this store. */
  public Path file() {
    return file;
  }

  /** Compares {@code key} with what is pinned for {@code hostPort}. */
  public Lookup check(String hostPort, byte[] key) {
    for (Pin pin : pins) {
      if (pin.hostPort().equalsIgnoreCase(hostPort)) {
        Outcome outcome = pin.key.contentEquals(key) ? Outcome.MATCH : Outcome.MISMATCH;
        return new Lookup(outcome, Optional.of(pin));
      }
    }
    return new Lookup(Outcome.UNKNOWN, Optional.empty());
  }

  /** Every pin holding {@code key}, in file order (a server found at a new address by its key). */
  public List<Pin> findByKey(byte[] key) {
    List<Pin> found = new ArrayList<>();
    for (Pin pin : pins) {
      if (pin.key.contentEquals(key)) {
        found.add(pin);
      }
    }
    return found;
  }

  /** Every pin, in file order. */
  public List<Pin> pins() {
    return List.copyOf(pins);
  }

  /**
   * Pins {@code key} for {@code hostPort} and writes the file atomically, owner-only. An
   * existing pin for the same {@code hostPort} is replaced only if {@code replace} is set.
   *
   * @throws IllegalStateException if a pin exists and {@code replace} is false
   * @throws IOException if the file cannot be written
   */
  public void pin(String hostPort, byte[] key, boolean replace) throws IOException {
    if (key.length != 32) {
      throw new IllegalArgumentException("an Ed25519 key is 32 bytes");
    }
    String entry = hostPort + " " + KEY_TYPE + " " + Base64.getEncoder().encodeToString(key);
    Lookup existing = check(hostPort, key);
    if (existing.pin().isPresent()) {
      if (!replace) {
        throw new IllegalStateException(hostPort + " is pinned already");
      }
      int index = existing.pin().get().line() - 1;
      lines.set(index, entry);
      pins.replaceAll(p -> p.line() == index + 1 ? new Pin(hostPort, key, index + 1) : p);
    } else {
      if (lines.isEmpty()) {
        lines.add("# LanChat known servers: host:port ed25519 BASE64-KEY (one pin a line)");
      }
      lines.add(entry);
      pins.add(new Pin(hostPort, key, lines.size()));
    }
    SecureFiles.replace(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Removes every pin for {@code hostPort} and writes the file atomically, owner-only, so the
   * next connection meets the server as new (a key change confirmed with its operator).
   *
   * @return the pins removed (empty when none was there; the file is then left untouched)
   * @throws IOException if the file cannot be written
   */
  public List<Pin> forget(String hostPort) throws IOException {
    List<Pin> removed = pins.stream().filter(p -> p.hostPort().equalsIgnoreCase(hostPort)).toList();
    if (removed.isEmpty()) {
      return removed;
    }
    // from the last line up, so the earlier line numbers still hold
    for (int i = removed.size() - 1; i >= 0; i--) {
      lines.remove(removed.get(i).line() - 1);
    }
    List<Pin> kept = new ArrayList<>();
    for (Pin pin : pins) {
      if (!removed.contains(pin)) {
        long before = removed.stream().filter(r -> r.line() < pin.line()).count();
        kept.add(new Pin(pin.hostPort(), pin.key(), pin.line() - (int) before));
      }
    }
    pins.clear();
    pins.addAll(kept);
    SecureFiles.replace(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    return removed;
  }
}
