package dev.lanchat.common.e2e;

import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.crypto.Identity;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Seals DMs to a recipient's end-to-end key and opens the ones sealed to ours (protocol
 * "End-to-end layer"): sign, then seal with HPKE base mode, the signature inside so that only
 * the recipient learns it, and a per-recipient counter so that the recipient sees a replay, a
 * reordering or a drop.
 *
 * <pre>
 * info = "lanchat v2 e2e dm" ‖ sender[32] ‖ recipient[32] ‖ serial: u32
 * sig  = Ed25519-Sign(sender, "lanchat v2 e2e dm sig" ‖ recipient[32] ‖ serial: u32
 *                              ‖ kind: u8 ‖ counter: u64 ‖ content)
 * body = kind: u8 ‖ counter: u64 ‖ content ‖ sig[64]
 * ct   = HPKE-Seal(pkR = recipient key, info, aad = "", body)
 * </pre>
 *
 * <p>Not thread-safe: one session owns it, with its {@link KeyRing}.
 */
public final class DmSealer {
  /** Largest content of one sealed DM. */
  public static final int MAX_CONTENT = SealedDm.MAX_SIZE - 4 - 32 - SealedDm.MIN_CIPHERTEXT;

  /** Most recipients we keep an outgoing counter for. */
  static final int MAX_RECIPIENTS = Counters.MAX_SENDERS;

  private static final byte[] INFO_LABEL = ascii("lanchat v2 e2e dm");
  private static final byte[] SIG_LABEL = ascii("lanchat v2 e2e dm sig");

  private final KeyRing ring;
  private final SecureRandom random;
  private final Map<ByteString, Long> sent = new HashMap<>();
  private final Counters received = new Counters();

  /** A sealer for the owner of {@code ring}. */
  public DmSealer(KeyRing ring, SecureRandom random) {
    this.ring = ring;
    this.random = random;
  }

  /**
   * The counters to keep across runs, so that after a restart a peer does not refuse our next
   * DM as a replay and we do not take its next one for a gap: per recipient the last counter we
   * sealed with, per sender the last one we accepted.
   *
   * @param sent by recipient identity
   * @param received by sender identity, least recently heard first
   */
  public record SavedCounters(Map<ByteString, Long> sent, Map<ByteString, Long> received) {
    public SavedCounters {
      sent = Map.copyOf(sent);
      received = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(received));
    }
  }

  /** A copy of the counters, to be written to disk after each DM sealed or opened. */
  public SavedCounters counters() {
    return new SavedCounters(sent, received.snapshot());
  }

  /**
   * Takes counters saved by an earlier run ({@link #counters}), replacing those held.
   *
   * @throws IllegalArgumentException if a counter is negative or there are too many
   */
  public void restore(SavedCounters saved) {
    if (saved.sent().size() > MAX_RECIPIENTS || saved.received().size() > Counters.MAX_SENDERS
        || saved.sent().values().stream().anyMatch(c -> c < 0)) {
      throw new IllegalArgumentException("saved counters out of range");
    }
    received.restore(saved.received());
    sent.clear();
    sent.putAll(saved.sent());
  }

  /**
   * Seals {@code content} to {@code recipientKey}, which the caller has {@linkplain
   * E2eKey#check checked} as {@link E2eKey.Check.Valid} against the recipient's pinned identity.
   *
   * @throws IllegalArgumentException if the content is longer than {@link #MAX_CONTENT}
   * @throws IllegalStateException if we already seal to {@link #MAX_RECIPIENTS} others
   */
  public SealedDm seal(E2eKey recipientKey, DmContent kind, byte[] content) {
    ByteString recipient = recipientKey.owner();
    long counter = sent.getOrDefault(recipient, 0L) + 1;
    if (counter == 1 && sent.size() >= MAX_RECIPIENTS) {
      throw new IllegalStateException("too many DM recipients for one session");
    }
    byte[] ephemeral = new byte[32];
    random.nextBytes(ephemeral);
    try {
      SealedDm sealed = seal(ring.identity(), recipientKey, kind, counter, content, ephemeral);
      sent.put(recipient, counter);
      return sealed;
    } finally {
      Bytes.wipe(ephemeral);
    }
  }

  /** The sealing itself, with the counter and HPKE's ephemeral key given (vectors use it). */
  static SealedDm seal(Identity sender, E2eKey recipientKey, DmContent kind, long counter,
      byte[] content, byte[] ephemeralPrivate) {
    if (content.length > MAX_CONTENT) {
      throw new IllegalArgumentException("a sealed DM holds at most " + MAX_CONTENT + " bytes");
    }
    byte[] senderKey = sender.publicKey();
    byte[] recipient = recipientKey.owner().toByteArray();
    long serial = recipientKey.serial();
    byte[] signed = signedBytes(recipient, serial, kind, counter, content);
    byte[] body = new ByteWriter(signed.length - SIG_LABEL.length - 36 + 64)
        .u8(kind.code()).u64(counter).bytes(content).bytes(sender.sign(signed)).toByteArray();
    Hpke.Sealed sealed = Hpke.seal(recipientKey.key().toByteArray(),
        info(senderKey, recipient, serial), new byte[0], body, ephemeralPrivate);
    Bytes.wipe(body);
    return new SealedDm(serial, ByteString.copyOf(sealed.enc()),
        ByteString.copyOf(sealed.ciphertext()));
  }

  /**
   * Opens a DM that the server says {@code sender} sealed to us. {@code sender} must be the
   * identity pinned for that member; the DM's counter is accepted only once everything checked.
   */
  public DmOutcome open(ByteString sender, SealedDm dm) {
    Optional<byte[]> privateKey = ring.privateKey(dm.serial());
    if (privateKey.isEmpty()) {
      return new DmOutcome.Refused(sender, DmOutcome.Reason.KEY_GONE);
    }
    byte[] recipient = ring.identity().publicKey();
    Optional<byte[]> opened;
    try {
      opened = Hpke.open(privateKey.get(), dm.enc().toByteArray(),
          info(sender.toByteArray(), recipient, dm.serial()), new byte[0],
          dm.ciphertext().toByteArray());
    } finally {
      Bytes.wipe(privateKey.get());
    }
    if (opened.isEmpty()) {
      return new DmOutcome.Refused(sender, DmOutcome.Reason.DOES_NOT_OPEN);
    }
    try {
      return checkBody(sender, recipient, dm.serial(), opened.get());
    } finally {
      Bytes.wipe(opened.get());
    }
  }

  private DmOutcome checkBody(ByteString sender, byte[] recipient, long serial, byte[] body) {
    ByteReader in = ByteReader.of(body);
    if (in.remaining() < 1 + 8 + 64) {
      return new DmOutcome.Refused(sender, DmOutcome.Reason.MALFORMED);
    }
    Optional<DmContent> kind = DmContent.of(in.u8());
    long counter = in.u64();
    byte[] content = in.bytes(in.remaining() - 64);
    byte[] sig = in.bytes(64);
    if (kind.isEmpty() || counter < 1) {
      return new DmOutcome.Refused(sender, DmOutcome.Reason.MALFORMED);
    }
    if (!Ed25519.verify(sender.toByteArray(),
        signedBytes(recipient, serial, kind.get(), counter, content), sig)) {
      return new DmOutcome.Refused(sender, DmOutcome.Reason.BAD_SIGNATURE);
    }
    Optional<Continuity> continuity = received.check(sender, counter);
    if (continuity.isEmpty()) {
      Bytes.wipe(content);
      return new DmOutcome.Refused(sender, DmOutcome.Reason.REPLAYED_OR_REORDERED);
    }
    received.accept(sender, counter);
    return new DmOutcome.Opened(sender, kind.get(), content, counter, continuity.get());
  }

  /** HPKE's {@code info}: binds both identities and the key serial (RFC 9180 §8.1). */
  static byte[] info(byte[] sender, byte[] recipient, long serial) {
    return new ByteWriter(INFO_LABEL.length + 68).bytes(INFO_LABEL).bytes(sender)
        .bytes(recipient).u32(serial).toByteArray();
  }

  /** What the sender signs. */
  static byte[] signedBytes(byte[] recipient, long serial, DmContent kind, long counter,
      byte[] content) {
    return new ByteWriter(SIG_LABEL.length + 32 + 4 + 1 + 8 + content.length).bytes(SIG_LABEL)
        .bytes(recipient).u32(serial).u8(kind.code()).u64(counter).bytes(content)
        .toByteArray();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
