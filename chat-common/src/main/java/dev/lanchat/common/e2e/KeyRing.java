package dev.lanchat.common.e2e;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.crypto.X25519;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A client's own end-to-end keys: the current one, which it publishes, and the older ones whose
 * private halves it still needs to open DMs sealed before a rotation. {@link #rotateIfDue} makes
 * a new key on the {@link RotationSchedule}; {@link #forgetExpired} wipes private keys once
 * nothing may be sealed to them any more.
 *
 * <p>Not thread-safe: one session owns it. {@link #encode} and {@link #decode} give the form the
 * client keeps on disk (owner-only, atomically written, like the identity); this class never
 * touches a file.
 */
public final class KeyRing {
  /** One of our keys: the private half and what we published. */
  private record Own(byte[] privateKey, E2eKey published, long createdAt) {}

  private final Identity identity;
  private final RotationSchedule schedule;
  private final SecureRandom random;
  /** Oldest first; the last is current. */
  private final List<Own> keys = new ArrayList<>();

  private KeyRing(Identity identity, RotationSchedule schedule, SecureRandom random) {
    this.identity = identity;
    this.schedule = schedule;
    this.random = random;
  }

  /** A ring with one fresh key (serial 1), created at {@code nowMillis}. */
  public static KeyRing create(Identity identity, RotationSchedule schedule, SecureRandom random,
      long nowMillis) {
    KeyRing ring = new KeyRing(identity, schedule, random);
    ring.add(1, nowMillis);
    return ring;
  }

  private E2eKey add(long serial, long nowMillis) {
    byte[] privateKey = new byte[X25519.KEY_SIZE];
    random.nextBytes(privateKey);
    X25519.KeyPair pair = X25519.fromPrivate(privateKey);
    E2eKey published = E2eKey.sign(identity, pair.publicKey(),
        nowMillis + schedule.lifetime().toMillis(), serial);
    pair.wipe();
    keys.add(new Own(privateKey, published, nowMillis));
    return published;
  }

  /** The key to publish now: the newest. */
  public E2eKey current() {
    return keys.getLast().published();
  }

  /**
   * Makes the next key when the current one is {@code rotateEvery} old.
   *
   * @return the new key to publish, or empty when no rotation was due
   */
  public Optional<E2eKey> rotateIfDue(long nowMillis) {
    Own newest = keys.getLast();
    if (nowMillis - newest.createdAt() < schedule.rotateEvery().toMillis()) {
      return Optional.empty();
    }
    return Optional.of(add(newest.published().serial() + 1, nowMillis));
  }

  /**
   * Wipes and drops every key (never the current one) whose {@code not_after} is more than
   * {@code keepAfter} ago.
   *
   * @return how many keys were dropped
   */
  public int forgetExpired(long nowMillis) {
    int dropped = 0;
    Iterator<Own> it = keys.iterator();
    while (it.hasNext()) {
      Own own = it.next();
      boolean expired =
          nowMillis > own.published().notAfter() + schedule.keepAfter().toMillis();
      if (expired && own != keys.getLast()) {
        Bytes.wipe(own.privateKey());
        it.remove();
        dropped++;
      }
    }
    return dropped;
  }

  /** The serials of the keys still held, oldest first. */
  public List<Long> serials() {
    return keys.stream().map(own -> own.published().serial()).toList();
  }

  /** The published key with {@code serial}, if still held. */
  public Optional<E2eKey> published(long serial) {
    return find(serial).map(Own::published);
  }

  /** A copy of the private key with {@code serial}, if still held; the caller wipes it. */
  Optional<byte[]> privateKey(long serial) {
    return find(serial).map(own -> own.privateKey().clone());
  }

  /** The identity that signs this ring's keys. */
  Identity identity() {
    return identity;
  }

  private Optional<Own> find(long serial) {
    return keys.stream().filter(own -> own.published().serial() == serial).findFirst();
  }

  /** Most keys one encoded ring may hold: a schedule keeps three, a file is not trusted more. */
  static final int MAX_ENCODED_KEYS = 16;

  private static final int FORMAT = 1;

  /**
   * The ring as the client keeps it on disk, private keys included (the caller wipes it):
   * {@code format: u8 = 1 ‖ count: u8 ‖ count × (private[32] ‖ e2e_key[140] ‖ created: u64)}.
   */
  public byte[] encode() {
    ByteWriter out = new ByteWriter(2 + keys.size() * (32 + E2eKey.SIZE + 8));
    out.u8(FORMAT).u8(keys.size());
    for (Own own : keys) {
      out.bytes(own.privateKey()).bytes(own.published().encode()).u64(own.createdAt());
    }
    return out.toByteArray();
  }

  /**
   * Reads a ring {@link #encode} wrote for {@code identity}: every key must be signed by it and
   * each private half must match its published key.
   *
   * @throws IllegalArgumentException when the bytes are not such a ring (nothing is kept)
   */
  public static KeyRing decode(Identity identity, RotationSchedule schedule, SecureRandom random,
      byte[] encoded) {
    ByteReader in = ByteReader.of(encoded);
    if (in.remaining() < 2 || in.u8() != FORMAT) {
      throw new IllegalArgumentException("not an end-to-end key ring of format " + FORMAT);
    }
    int count = in.u8();
    if (count < 1 || count > MAX_ENCODED_KEYS
        || in.remaining() != count * (32 + E2eKey.SIZE + 8)) {
      throw new IllegalArgumentException("the key ring's size does not match its key count");
    }
    KeyRing ring = new KeyRing(identity, schedule, random);
    try {
      for (int i = 0; i < count; i++) {
        ring.keys.add(ring.decodeOne(in));
      }
      return ring;
    } catch (IllegalArgumentException | ProtocolException e) {
      ring.wipe();
      throw new IllegalArgumentException("the key ring holds a key that is not this identity's: "
          + e.getMessage(), e);
    }
  }

  private Own decodeOne(ByteReader in) throws ProtocolException {
    byte[] privateKey = in.bytes(32);
    E2eKey published = E2eKey.parse(in.bytes(E2eKey.SIZE));
    long createdAt = in.u64();
    X25519.KeyPair pair = X25519.fromPrivate(privateKey);
    boolean matches = Arrays.equals(pair.publicKey(), published.key().toByteArray());
    pair.wipe();
    boolean ours = published.check(ByteString.copyOf(identity.publicKey()), published.notAfter())
        instanceof E2eKey.Check.Valid;
    if (!matches || !ours || createdAt < 0
        || (!keys.isEmpty() && published.serial() <= keys.getLast().published().serial())) {
      Bytes.wipe(privateKey);
      throw new IllegalArgumentException("key " + published.serial() + " does not check");
    }
    return new Own(privateKey, published, createdAt);
  }

  /** Wipes every private key; the ring is unusable afterwards. */
  public void wipe() {
    keys.forEach(own -> Bytes.wipe(own.privateKey()));
    keys.clear();
  }
}
