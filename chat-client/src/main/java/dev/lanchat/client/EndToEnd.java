package dev.lanchat.client;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.e2e.DmContent;
import dev.lanchat.common.e2e.DmOutcome;
import dev.lanchat.common.e2e.DmSealer;
import dev.lanchat.common.e2e.E2eKey;
import dev.lanchat.common.e2e.KeyRing;
import dev.lanchat.common.e2e.SealedDm;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.E2eKeyEntry;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The client's end-to-end layer (issue 17) between the session and what the user sees: it
 * publishes our key after each WELCOME, seals every DM to its recipient's key (fetched with
 * E2E_KEYS_GET and checked against the identity pinned for that name), opens sealed DMs and
 * shows them as DMs, and runs our end of each end-to-end room ({@link E2eRooms}). Everything
 * that does not check is refused with one warning line naming the member ({@link E2eWarnings}).
 *
 * <p>Threads: the session's reader calls {@link #received} and never waits here; the input
 * thread calls {@link #dm} and {@link E2eRooms#say}, which may wait (bounded) for keys. The
 * crypto state is guarded by one lock, held only for computing; sending happens outside it.
 */
final class EndToEnd implements AutoCloseable, E2eRooms.Context {
  /** How our messages reach the server. */
  interface Link {
    /** Sends {@code message} (queued, paced). */
    void send(ClientMessage message);

    /** A fresh client message id. */
    long nextId();
  }

  /**
   * How long a recipient's checked key is used before it is asked for again: the server holds
   * only each client's newest key, so asking again is how a sender follows a rotation and seals
   * to the newest key, as protocol "End-to-end layer" asks.
   */
  static final long KEY_CACHE_MILLIS = 60 * 60 * 1000L;

  /** A recipient's checked key and when we were given it. */
  private record CachedKey(E2eKey key, long fetchedAt) {}

  /** Most recipients whose checked key is kept. */
  static final int MAX_CACHED_KEYS = 1_000;
  /** Most of our sealed DMs kept until their echo. */
  static final int MAX_ECHOES = 1024;

  private record SentDm(String to, String text) {}

  private final Object lock = new Object();
  private final Identity identity;
  private final ByteString self;
  private final SecureRandom random;
  private final E2eFiles files;
  private final KeyRing ring;
  private final DmSealer sealer;
  private final LongSupplier clock;
  private final KeyRequests requests = new KeyRequests();
  private final E2eRooms rooms;
  private final Map<String, CachedKey> dmKeys = Capped.map(MAX_CACHED_KEYS);
  private final Map<ByteString, SentDm> echoes = Capped.map(MAX_ECHOES);
  /** Our sender-key DMs (kind 2) until their echo, which shows nothing; by {@code enc}. */
  private final Set<ByteString> keyEchoes = Capped.set(MAX_ECHOES);
  private volatile PeerKeys peers;
  private volatile Link link;
  private volatile Consumer<String> warn = line -> { };
  private volatile Consumer<String> notice = line -> { };
  private boolean saveFailed;

  private EndToEnd(Identity identity, SecureRandom random, E2eFiles files, KeyRing ring,
      LongSupplier clock) {
    this.identity = identity;
    this.self = ByteString.copyOf(identity.publicKey());
    this.random = random;
    this.files = files;
    this.ring = ring;
    this.sealer = new DmSealer(ring, random);
    this.clock = clock;
    this.rooms = new E2eRooms(this);
  }

  /**
   * The layer for {@code identity}, its ring and counters read from {@code files} (a new ring
   * is made and written when there is none).
   *
   * @throws IOException if a file exists but cannot be used (it is left untouched)
   */
  static EndToEnd load(Identity identity, E2eFiles files, LongSupplier clock) throws IOException {
    SecureRandom random = new SecureRandom();
    KeyRing ring = files.loadRing(identity, random, clock.getAsLong());
    EndToEnd e2e = new EndToEnd(identity, random, files, ring, clock);
    files.loadCounters().ifPresent(e2e.sealer::restore);
    return e2e;
  }

  /** The conversation starts: pins come from {@code peers}, messages go through {@code link}. */
  void attach(PeerKeys peers, Link link, Output output) {
    this.peers = Objects.requireNonNull(peers, "peers");
    this.link = Objects.requireNonNull(link, "link");
    this.warn = output.warn();
    this.notice = output.notice();
    rooms.attach(output.late());
  }

  /**
   * Where the layer's lines go: warnings, plain lines, and messages opened later than the
   * message that carried them (a room key that waited for the member list).
   */
  record Output(Consumer<String> warn, Consumer<String> notice,
      Consumer<List<ServerMessage>> late) {
    Output {
      Objects.requireNonNull(warn, "warn");
      Objects.requireNonNull(notice, "notice");
      Objects.requireNonNull(late, "late");
    }
  }



  /** The rooms part. */
  E2eRooms rooms() {
    return rooms;
  }

  /**
   * What each new session sends first, right after WELCOME: our current key (rotated when due;
   * keys nobody may seal to any more are wiped).
   */
  List<ClientMessage> greeting() {
    synchronized (lock) {
      long now = clock.getAsLong();
      boolean changed = ring.rotateIfDue(now).isPresent() | ring.forgetExpired(now) > 0;
      if (changed) {
        saveRing();
      }
      return List.of(new ClientMessage.E2eKey(ring.current()));
    }
  }

  /** A long run makes its next key when due and publishes it before sealing anything more. */
  private void republishIfDue() {
    Optional<E2eKey> rotated;
    synchronized (lock) {
      rotated = ring.rotateIfDue(clock.getAsLong());
      if (rotated.isPresent()) {
        saveRing();
      }
    }
    rotated.ifPresent(key -> link.send(new ClientMessage.E2eKey(key)));
  }

  private void saveRing() {
    try {
      files.saveRing(ring);
    } catch (IOException e) {
      warn.accept("! cannot write the end-to-end key file (" + e.getClass().getSimpleName()
          + "); the new key is used for this run only");
    }
  }

  /** Follows what we are about to send (a PART takes us out of a room's keys). */
  void sent(ClientMessage message) {
    rooms.sent(message);
  }

  /**
   * One message from the server, on the reader's thread: what to show for it, in order.
   * {@code history} says whether a room event is one of an ENTERED's history events.
   */
  List<ServerMessage> received(ServerMessage message, boolean history) {
    if (requests.received(message) && message instanceof ServerMessage.Error) {
      return List.of(); // it answered a key question, whose asker says what it means
    }
    return switch (message) {
      case ServerMessage.SealedDm dm -> sealedDm(dm);
      case ServerMessage.E2eMessage m -> rooms.message(m, history);
      case ServerMessage.E2eKeys keys -> List.of();
      default -> {
        rooms.follow(message);
        yield List.of(message);
      }
    };
  }

  /** Seals {@code text} for end-to-end {@code room}. */
  Sealing say(String room, String text) {
    republishIfDue();
    return rooms.say(room, text);
  }

  /** True when {@code room} is one of our end-to-end rooms. */
  boolean isEndToEnd(String room) {
    return rooms.isEndToEnd(room);
  }

  /** Seals {@code text} to {@code to}, fetching and checking {@code to}'s key first. */
  Sealing dm(String to, String text) {
    republishIfDue();
    RecipientKey found = recipientKey(to);
    if (found instanceof RecipientKey.Missing missing) {
      return new Sealing.Refused(missing.why());
    }
    E2eKey key = ((RecipientKey.Found) found).key();
    SealedDm sealed = seal(key, DmContent.TEXT, text.getBytes(StandardCharsets.UTF_8));
    synchronized (lock) {
      echoes.put(sealed.enc(), new SentDm(to, text));
    }
    return new Sealing.Send(new ClientMessage.SealedDm(link.nextId(), to, sealed));
  }

  /** Seals {@code content} of {@code kind} to {@code key} and saves the counters. */
  SealedDm seal(E2eKey key, DmContent kind, byte[] content) {
    synchronized (lock) {
      SealedDm sealed = sealer.seal(key, kind, content);
      saveCounters();
      return sealed;
    }
  }

  /** What looking up a recipient's key found: the key, or why there is none (one line). */
  private sealed interface RecipientKey {
    record Found(E2eKey key) implements RecipientKey {}

    record Missing(String why) implements RecipientKey {}
  }

  /** {@code to}'s key: the one cached while still in use, else the server's, checked. */
  private RecipientKey recipientKey(String to) {
    String skeleton = Names.skeleton(to);
    synchronized (lock) {
      CachedKey cached = dmKeys.get(skeleton);
      long now = clock.getAsLong();
      if (cached != null && cached.key().notAfter() >= now
          && now - cached.fetchedAt() < KEY_CACHE_MILLIS) {
        return new RecipientKey.Found(cached.key());
      }
      dmKeys.remove(skeleton);
    }
    List<E2eKeyEntry> entries;
    switch (fetch(to)) {
      case KeyRequests.Answer.Keys keys -> entries = keys.entries();
      // the server's refusal (no such user) or its silence, said once, as the DM's failure
      case KeyRequests.Answer.None none -> {
        return new RecipientKey.Missing(none.why());
      }
      case KeyRequests.Answer.Abandoned ended -> {
        return new RecipientKey.Missing("DM not sent: the connection ended first");
      }
    }
    Optional<E2eKeyEntry> entry = entries.stream()
        .filter(e -> Names.skeleton(e.name()).equals(skeleton)).findFirst();
    if (entry.isEmpty()) {
      return new RecipientKey.Missing("DM not sent: " + EventFormat.text(to) + " has published"
          + " no end-to-end key on this server (a client without end-to-end encryption, or one"
          + " that never connected)");
    }
    Optional<E2eKey> valid = checked(entry.get());
    valid.ifPresent(k -> {
      synchronized (lock) {
        dmKeys.put(skeleton, new CachedKey(k, clock.getAsLong()));
      }
    });
    if (valid.isEmpty()) {
      return new RecipientKey.Missing("DM not sent: " + EventFormat.text(to)
          + " has no end-to-end key this client accepts (see above)");
    }
    return new RecipientKey.Found(valid.get());
  }

  /** The entry's key when it is valid for the identity pinned for its name; else a warning. */
  Optional<E2eKey> checked(E2eKeyEntry entry) {
    Optional<ByteString> pinned = pin(entry.name(), entry.key().owner());
    if (pinned.isEmpty()) {
      return Optional.empty();
    }
    E2eKey.Check check = entry.key().check(pinned.get(), clock.getAsLong());
    if (check instanceof E2eKey.Check.Valid valid) {
      return Optional.of(valid.key());
    }
    warn.accept(E2eWarnings.key(entry.name(), check));
    return Optional.empty();
  }

  /** The identity pinned for {@code name}; empty (with a warning) for a name that breaks rules. */
  @Override
  public Optional<ByteString> pin(String name, ByteString offered) {
    Optional<ByteString> pinned = peers.pinned(name, offered);
    if (pinned.isEmpty()) {
      warn.accept("! the server named a member " + EventFormat.text(name)
          + ", which breaks the name rules; nothing end-to-end goes to or comes from it");
    }
    return pinned;
  }

  /** Asks the server for {@code target}'s keys and waits (bounded). */
  @Override
  public KeyRequests.Answer fetch(String target) {
    return requests.fetch(target, t -> link.send(new ClientMessage.E2eKeysGet(t)));
  }

  private List<ServerMessage> sealedDm(ServerMessage.SealedDm m) {
    if (m.fromKey().equals(self)) {
      SentDm sent;
      boolean ourKey;
      synchronized (lock) {
        sent = echoes.remove(m.sealed().enc());
        ourKey = keyEchoes.remove(m.sealed().enc());
      }
      if (sent != null) {
        return List.of(new ServerMessage.Dm(m.time(), m.from(), m.to(), sent.text(), m.status(),
            m.note()));
      }
      if (ourKey) {
        return List.of(); // the echo of a room key we handed out: nothing to show
      }
      // not one of ours: another session of this same identity (another terminal, another
      // name) wrote to us, and it is opened like any DM; one that was not for us will not open
    }
    Optional<ByteString> pinned = pin(m.from(), m.fromKey());
    if (pinned.isEmpty()) {
      return List.of();
    }
    if (!pinned.get().equals(m.fromKey())) {
      warn.accept("! WARNING: a DM said to be from " + EventFormat.text(m.from())
          + " came with another identity than the one pinned for " + EventFormat.text(m.from())
          + "; not shown");
      return List.of();
    }
    DmOutcome outcome;
    synchronized (lock) {
      outcome = sealer.open(pinned.get(), m.sealed());
      if (outcome instanceof DmOutcome.Opened) {
        saveCounters();
      }
    }
    return switch (outcome) {
      case DmOutcome.Refused refused -> {
        warn.accept(E2eWarnings.dm(m.from(), refused.reason()));
        yield List.of();
      }
      case DmOutcome.Opened opened -> opened(m, opened);
    };
  }

  private List<ServerMessage> opened(ServerMessage.SealedDm m, DmOutcome.Opened opened) {
    if (opened.continuity() instanceof dev.lanchat.common.e2e.Continuity.Skipped skipped) {
      warn.accept(E2eWarnings.dmGap(m.from(), skipped.missing()));
    }
    if (opened.kind() == DmContent.SENDER_KEY) {
      return rooms.senderKey(m.from(), opened);
    }
    Optional<String> text = E2eText.decode(opened.content());
    if (text.isEmpty()) {
      warn.accept("! a DM from " + EventFormat.text(m.from()) + " was not shown: its text"
          + " breaks the text rules");
      return List.of();
    }
    return List.of(new ServerMessage.Dm(m.time(), m.from(), m.to(), text.get(), m.status(),
        m.note()));
  }

  /** Writes the DM counters; a failure is said once (the run goes on with them in memory). */
  @Override
  public void saveCounters() {
    try {
      files.saveCounters(sealer.counters());
    } catch (IOException e) {
      if (!saveFailed) {
        saveFailed = true;
        warn.accept("! cannot write the end-to-end counters file (" + e.getClass()
            .getSimpleName() + "); after a restart your peers may refuse your next DM");
      }
    }
  }

  @Override
  public Object lock() {
    return lock;
  }

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public ByteString self() {
    return self;
  }

  @Override
  public SecureRandom random() {
    return random;
  }

  @Override
  public DmSealer sealer() {
    return sealer;
  }

  @Override
  public long now() {
    return clock.getAsLong();
  }

  @Override
  public void send(ClientMessage message) {
    if (message instanceof ClientMessage.SealedDm dm) {
      synchronized (lock) {
        keyEchoes.add(dm.sealed().enc());
      }
    }
    link.send(message);
  }

  @Override
  public long nextId() {
    return link.nextId();
  }

  @Override
  public void warn(String line) {
    warn.accept(line);
  }

  @Override
  public void notice(String line) {
    notice.accept(line);
  }

  @Override
  public void close() {
    rooms.close();
    synchronized (lock) {
      ring.wipe();
    }
  }
}
