package dev.lanchat.common.e2e;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.crypto.Identity;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * One member's end of an end-to-end room, with sender keys: its own sending chain, the chains
 * other members handed it, and the member list its chain was last given to. Each message is
 * encrypted once under the sender's next message key and signed by the sender's identity; each
 * chain reaches each other member as a sealed DM ({@link DmSealer}).
 *
 * <pre>
 * header = "lanchat v2 e2e room" ‖ room: str ‖ sender[32] ‖ epoch: u32 ‖ counter: u32
 * ct     = ChaCha20-Poly1305(message_key, nonce, aad = header, text)          RFC 8439
 * sig    = Ed25519-Sign(sender, header ‖ ct)
 * </pre>
 *
 * <p>When a member leaves or is removed, {@link #setMembers} starts a new epoch with a fresh
 * random chain and hands it to the remaining members only, and forgets the leaver's chains: the
 * leaver holds no key to anything sent after. A member who joins gets our chain as it stands,
 * so it reads from then on.
 *
 * <p>Own messages that the server echoes are recognised by the session (sender is us) and not
 * passed to {@link #open}. Not thread-safe.
 */
public final class E2eRoom {
  /** Most messages of one chain that may be skipped at once (dropped by the server). */
  public static final long MAX_SKIP = 2_000;

  /** Most members whose keys one room holds. */
  public static final int MAX_MEMBERS = 1_000;

  /** Epochs kept per sender: the newest and the one before, for messages in flight. */
  static final int EPOCHS_KEPT = 2;

  private static final byte[] HEADER_LABEL =
      "lanchat v2 e2e room".getBytes(StandardCharsets.US_ASCII);

  /** A member as the client sees it: the pinned identity, and the key the server handed out. */
  public record Member(ByteString identity, E2eKey key) {}

  /** A sealed DM to send to one member. */
  public record Delivery(ByteString recipient, SealedDm dm) {}

  /**
   * A member whose key was refused: warn, naming the member; they are left out.
   *
   * @param member the member's pinned identity
   * @param check why the key was refused
   */
  public record KeyWarning(ByteString member, E2eKey.Check check) {}

  /** What {@link #setMembers} did: sender keys to deliver, and keys it refused. */
  public record Membership(long epoch, List<Delivery> deliveries, List<KeyWarning> warnings) {}

  private final String room;
  private final Identity self;
  private final ByteString selfKey;
  private final DmSealer sealer;
  private final SecureRandom random;
  private final Map<ByteString, E2eKey> members = new LinkedHashMap<>();
  private final Map<ByteString, TreeMap<Long, SenderChain>> chains = new HashMap<>();
  private final Map<ByteString, Map<Long, Long>> firstCounters = new HashMap<>();
  private SenderChain own;

  /**
   * A room end for {@code self}, which must be the identity of {@code sealer}'s key ring.
   *
   * @throws IllegalArgumentException if the room name breaks the rule
   */
  public E2eRoom(String room, Identity self, DmSealer sealer, SecureRandom random) {
    this.room = RoomNames.check(room);
    this.self = self;
    this.selfKey = ByteString.copyOf(self.publicKey());
    this.sealer = sealer;
    this.random = random;
  }

  /** The epoch of our own chain, 0 before the first {@link #setMembers}. */
  public long epoch() {
    return own == null ? 0 : own.epoch();
  }

  /** The members our chain was last handed to. */
  public List<ByteString> members() {
    return List.copyOf(members.keySet());
  }

  /**
   * Takes the room's membership as the server says it is (each member's pinned identity and
   * the key the server handed out). Keys that are not valid for their pinned identity are
   * refused with a warning and their members left out. When a member left, or at the first
   * call, a new epoch starts and its chain goes to every member; otherwise our chain as it
   * stands goes to new members only.
   */
  public Membership setMembers(List<Member> announced, long nowMillis) {
    return setMembers(announced, nowMillis, false);
  }

  /**
   * {@link #setMembers(List, long)}, starting a new epoch for everyone when {@code renew} even
   * if nobody left: after our own reconnect, the others forgot our chain when they saw us leave,
   * while we kept theirs.
   */
  public Membership setMembers(List<Member> announced, long nowMillis, boolean renew) {
    List<KeyWarning> warnings = new ArrayList<>();
    Map<ByteString, E2eKey> accepted = new LinkedHashMap<>();
    for (Member member : announced) {
      if (member.identity().equals(selfKey) || accepted.size() >= MAX_MEMBERS) {
        continue;
      }
      E2eKey.Check check = member.key().check(member.identity(), nowMillis);
      if (check instanceof E2eKey.Check.Valid) {
        accepted.put(member.identity(), member.key());
      } else {
        warnings.add(new KeyWarning(member.identity(), check));
      }
    }
    boolean someoneLeft = !accepted.keySet().containsAll(members.keySet());
    List<ByteString> newcomers = accepted.keySet().stream()
        .filter(identity -> !members.containsKey(identity)).toList();
    for (ByteString gone : members.keySet()) {
      if (!accepted.containsKey(gone)) {
        forget(gone);
      }
    }
    members.clear();
    members.putAll(accepted);
    List<ByteString> recipients;
    if (own == null || someoneLeft || renew) {
      rotate();
      recipients = List.copyOf(members.keySet());
    } else {
      recipients = newcomers;
    }
    byte[] distribution = SenderKeyDistribution.encode(room, own);
    try {
      List<Delivery> deliveries = new ArrayList<>();
      for (ByteString recipient : recipients) {
        deliveries.add(new Delivery(recipient,
            sealer.seal(members.get(recipient), DmContent.SENDER_KEY, distribution)));
      }
      return new Membership(own.epoch(), List.copyOf(deliveries), List.copyOf(warnings));
    } finally {
      Bytes.wipe(distribution);
    }
  }

  private void rotate() {
    long epoch = own == null ? 1 : own.epoch() + 1;
    byte[] key = new byte[32];
    random.nextBytes(key);
    if (own != null) {
      own.wipe();
    }
    own = new SenderChain(epoch, 1, key);
    Bytes.wipe(key);
  }

  private void forget(ByteString member) {
    TreeMap<Long, SenderChain> theirs = chains.remove(member);
    if (theirs != null) {
      theirs.values().forEach(SenderChain::wipe);
    }
    firstCounters.remove(member);
  }

  /**
   * Installs a sender key that {@link DmSealer#open} opened; only a member's own chain, for this
   * room, newer than what we hold, is taken. The content is wiped either way.
   */
  public InstallOutcome install(DmOutcome.Opened opened) {
    ByteString sender = opened.sender();
    try {
      if (opened.kind() != DmContent.SENDER_KEY) {
        return refused(sender, InstallOutcome.Reason.NOT_A_SENDER_KEY);
      }
      if (!members.containsKey(sender)) {
        return refused(sender, InstallOutcome.Reason.NOT_A_MEMBER);
      }
      SenderKeyDistribution.Parsed parsed;
      try {
        parsed = SenderKeyDistribution.parse(opened.content());
      } catch (ProtocolException e) {
        return refused(sender, InstallOutcome.Reason.MALFORMED);
      }
      try {
        if (!parsed.room().equals(room)) {
          return refused(sender, InstallOutcome.Reason.OTHER_ROOM);
        }
        TreeMap<Long, SenderChain> theirs = chains.computeIfAbsent(sender, k -> new TreeMap<>());
        if (!theirs.isEmpty() && parsed.epoch() <= theirs.lastKey()) {
          return refused(sender, InstallOutcome.Reason.STALE);
        }
        theirs.put(parsed.epoch(),
            new SenderChain(parsed.epoch(), parsed.counter(), parsed.chainKey()));
        firstCounters.computeIfAbsent(sender, k -> new HashMap<>())
            .put(parsed.epoch(), parsed.counter());
        while (theirs.size() > EPOCHS_KEPT) {
          firstCounters.get(sender).remove(theirs.firstKey());
          theirs.pollFirstEntry().getValue().wipe();
        }
        return new InstallOutcome.Installed(sender, parsed.epoch(), parsed.counter());
      } finally {
        Bytes.wipe(parsed.chainKey());
      }
    } finally {
      Bytes.wipe(opened.content());
    }
  }

  /**
   * The room a sender key names, without installing it (so the caller knows which room's
   * {@link #install} to call); empty when it is not a sender key or does not parse.
   */
  public static Optional<String> roomOf(DmOutcome.Opened opened) {
    if (opened.kind() != DmContent.SENDER_KEY) {
      return Optional.empty();
    }
    try {
      SenderKeyDistribution.Parsed parsed = SenderKeyDistribution.parse(opened.content());
      Bytes.wipe(parsed.chainKey());
      return Optional.of(parsed.room());
    } catch (ProtocolException e) {
      return Optional.empty();
    }
  }

  private static InstallOutcome refused(ByteString sender, InstallOutcome.Reason reason) {
    return new InstallOutcome.Refused(sender, reason);
  }

  /**
   * Encrypts and signs {@code text} (UTF-8) under our next message key.
   *
   * @throws IllegalStateException before the first {@link #setMembers}
   */
  public RoomMessage seal(byte[] text) {
    if (own == null) {
      throw new IllegalStateException("set the members first: there is no chain yet");
    }
    long counter = own.counter();
    byte[] header = header(selfKey, own.epoch(), counter);
    byte[] keys = own.next();
    try {
      byte[] ct = aead(true, keys, header, text).orElseThrow();
      byte[] sig = self.sign(Bytes.concat(header, ct));
      return new RoomMessage(own.epoch(), counter, ByteString.copyOf(ct), ByteString.copyOf(sig));
    } finally {
      Bytes.wipe(keys);
    }
  }

  /** Checks, then decrypts, a message the server says {@code sender} sent to this room. */
  public RoomOutcome open(ByteString sender, RoomMessage message) {
    if (!members.containsKey(sender)) {
      return new RoomOutcome.Refused(sender, RoomOutcome.Reason.NOT_A_MEMBER);
    }
    byte[] header = header(sender, message.epoch(), message.counter());
    byte[] ct = message.ciphertext().toByteArray();
    if (!Ed25519.verify(sender.toByteArray(), Bytes.concat(header, ct),
        message.signature().toByteArray())) {
      return new RoomOutcome.Refused(sender, RoomOutcome.Reason.BAD_SIGNATURE);
    }
    SenderChain chain = Optional.ofNullable(chains.get(sender))
        .map(theirs -> theirs.get(message.epoch())).orElse(null);
    if (chain == null) {
      return new RoomOutcome.Refused(sender, RoomOutcome.Reason.NO_KEY);
    }
    long expected = chain.counter();
    if (message.counter() < expected) {
      long first = firstCounters.get(sender).get(message.epoch());
      return new RoomOutcome.Refused(sender, message.counter() < first
          ? RoomOutcome.Reason.BEFORE_JOINED
          : RoomOutcome.Reason.REPLAYED_OR_REORDERED);
    }
    if (message.counter() - expected > MAX_SKIP) {
      return new RoomOutcome.Refused(sender, RoomOutcome.Reason.TOO_FAR_AHEAD);
    }
    // work on a copy: the chain moves only for a message that opens
    byte[] key = chain.chainKey();
    SenderChain trial = new SenderChain(chain.epoch(), expected, key);
    Bytes.wipe(key);
    byte[] keys = trial.skipTo(message.counter());
    Optional<byte[]> text;
    try {
      text = aead(false, keys, header, ct);
    } finally {
      Bytes.wipe(keys);
    }
    if (text.isEmpty()) {
      trial.wipe();
      return new RoomOutcome.Refused(sender, RoomOutcome.Reason.DOES_NOT_OPEN);
    }
    chains.get(sender).put(chain.epoch(), trial);
    chain.wipe();
    Continuity continuity = message.counter() == expected
        ? new Continuity.InOrder()
        : new Continuity.Skipped(message.counter() - expected);
    return new RoomOutcome.Read(sender, text.get(), message.counter(), continuity);
  }

  private byte[] header(ByteString sender, long epoch, long counter) {
    byte[] name = room.getBytes(StandardCharsets.US_ASCII);
    return new ByteWriter(HEADER_LABEL.length + 2 + name.length + 32 + 8).bytes(HEADER_LABEL)
        .u16(name.length).bytes(name).bytes(sender).u32(epoch).u32(counter).toByteArray();
  }

  /** ChaCha20-Poly1305 with {@code keys} = key[32] ‖ nonce[12]; empty when it does not open. */
  static Optional<byte[]> aead(boolean encrypt, byte[] keys, byte[] aad, byte[] input) {
    byte[] key = Arrays.copyOfRange(keys, 0, 32);
    byte[] nonce = Arrays.copyOfRange(keys, 32, 44);
    ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
    try {
      cipher.init(encrypt, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
      byte[] out = new byte[cipher.getOutputSize(input.length)];
      int n = cipher.processBytes(input, 0, input.length, out, 0);
      n += cipher.doFinal(out, n);
      return Optional.of(n == out.length ? out : Arrays.copyOf(out, n));
    } catch (InvalidCipherTextException e) {
      return Optional.empty();
    } finally {
      Bytes.wipe(key);
    }
  }
}
