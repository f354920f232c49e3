package dev.lanchat.client;

import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.e2e.DmSealer;
import dev.lanchat.common.e2e.KeyRing;
import dev.lanchat.common.e2e.RotationSchedule;
import dev.lanchat.common.storage.BadFileException;
import dev.lanchat.common.storage.FileAccess;
import dev.lanchat.common.storage.SecureFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The client's end-to-end state on disk, next to its identity file and written the same way
 * (owner-only, atomically, fsynced; {@link SecureFiles}): {@code IDENTITY.e2e-keys} holds the
 * key ring (private keys, so it is as secret as the identity), {@code IDENTITY.e2e-counters}
 * the DM counters, so that after a restart a peer neither refuses our next DM as a replay nor
 * sees a gap. A file that exists but cannot be used is an error and is left untouched, never
 * replaced: DMs sealed to its keys would no longer open. Without an identity file (tests) the
 * state lives in memory only.
 *
 * <p>Not thread-safe: its owner ({@link EndToEnd}) serialises the writes.
 */
final class E2eFiles {
  private static final int COUNTERS_FORMAT = 1;

  private final Optional<Path> keys;
  private final Optional<Path> counters;

  private E2eFiles(Optional<Path> identityFile) {
    this.keys = identityFile.map(f -> sibling(f, ".e2e-keys"));
    this.counters = identityFile.map(f -> sibling(f, ".e2e-counters"));
  }

  /** The files next to {@code identityFile}; empty: memory only. */
  static E2eFiles nextTo(Optional<Path> identityFile) {
    return new E2eFiles(identityFile);
  }

  private static Path sibling(Path file, String suffix) {
    Path absolute = file.toAbsolutePath();
    return absolute.resolveSibling(absolute.getFileName() + suffix);
  }

  /**
   * The ring kept for {@code identity}, or a new one (written at once) when there is none.
   *
   * @throws BadFileException if the ring file exists but cannot be read, is not private, or is
   *     not a ring of this identity
   * @throws IOException if a new ring cannot be written
   */
  KeyRing loadRing(Identity identity, SecureRandom random, long now) throws IOException {
    if (keys.isEmpty()) {
      return KeyRing.create(identity, RotationSchedule.DEFAULT, random, now);
    }
    Path file = keys.get();
    Optional<byte[]> stored = read(file, "end-to-end key");
    if (stored.isEmpty()) {
      KeyRing ring = KeyRing.create(identity, RotationSchedule.DEFAULT, random, now);
      byte[] encoded = ring.encode();
      try {
        SecureFiles.createNew(file, encoded);
        return ring;
      } catch (FileAlreadyExistsException raced) {
        ring.wipe(); // another process made it first: use theirs
        return loadRing(identity, random, now);
      } finally {
        Bytes.wipe(encoded);
      }
    }
    try {
      return KeyRing.decode(identity, RotationSchedule.DEFAULT, random, stored.get());
    } catch (IllegalArgumentException e) {
      throw new BadFileException(file, "not an end-to-end key ring of this identity ("
          + e.getMessage() + ")");
    } finally {
      Bytes.wipe(stored.get());
    }
  }

  /**
   * The counters kept, or none when there is no file yet.
   *
   * @throws BadFileException if the file exists but cannot be read or parsed
   */
  Optional<DmSealer.SavedCounters> loadCounters() throws BadFileException {
    if (counters.isEmpty()) {
      return Optional.empty();
    }
    Optional<byte[]> stored = read(counters.get(), "end-to-end counters");
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    try {
      ByteReader in = ByteReader.of(stored.get());
      if (in.remaining() < 1 || in.u8() != COUNTERS_FORMAT) {
        throw new IllegalArgumentException("not format " + COUNTERS_FORMAT);
      }
      Map<ByteString, Long> sent = readMap(in);
      Map<ByteString, Long> received = readMap(in);
      if (in.remaining() != 0) {
        throw new IllegalArgumentException("bytes after the counters");
      }
      return Optional.of(new DmSealer.SavedCounters(sent, received));
    } catch (RuntimeException e) {
      throw new BadFileException(counters.get(), "not an end-to-end counters file ("
          + e.getMessage() + ")");
    }
  }

  private static Map<ByteString, Long> readMap(ByteReader in) {
    long count = in.u32();
    if (count * 40 > in.remaining()) {
      throw new IllegalArgumentException("a count larger than the file");
    }
    Map<ByteString, Long> map = new LinkedHashMap<>();
    for (long i = 0; i < count; i++) {
      map.put(ByteString.copyOf(in.bytes(32)), in.u64());
    }
    return map;
  }

  /** Writes the ring, replacing the file (after a rotation). */
  void saveRing(KeyRing ring) throws IOException {
    if (keys.isPresent()) {
      byte[] encoded = ring.encode();
      try {
        SecureFiles.replace(keys.get(), encoded);
      } finally {
        Bytes.wipe(encoded);
      }
    }
  }

  /** Writes the counters, replacing the file (after each DM sealed or opened). */
  void saveCounters(DmSealer.SavedCounters saved) throws IOException {
    if (counters.isEmpty()) {
      return;
    }
    int size = 1 + 8 + 40 * (saved.sent().size() + saved.received().size());
    ByteWriter out = new ByteWriter(size).u8(COUNTERS_FORMAT);
    writeMap(out, saved.sent());
    writeMap(out, saved.received());
    SecureFiles.replace(counters.get(), out.toByteArray());
  }

  private static void writeMap(ByteWriter out, Map<ByteString, Long> map) {
    out.u32(map.size());
    map.forEach((key, counter) -> out.bytes(key).u64(counter));
  }

  /** The file's bytes, or empty when it does not exist; it must be private to us. */
  private static Optional<byte[]> read(Path file, String what) throws BadFileException {
    try {
      FileAccess.forCurrentUser().requirePrivate(file);
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (BadFileException e) {
      throw e;
    } catch (IOException e) {
      throw new BadFileException(file, "cannot read the " + what + " file ("
          + e.getClass().getSimpleName() + ")", e);
    }
  }
}
