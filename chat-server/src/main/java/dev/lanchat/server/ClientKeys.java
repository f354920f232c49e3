package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.server.store.BindResult;
import dev.lanchat.server.store.KeyFingerprint;
import dev.lanchat.server.store.NameBinding;
import dev.lanchat.server.store.NameCheck;
import dev.lanchat.server.store.RenameResult;
import dev.lanchat.server.store.Store;
import dev.lanchat.server.store.StoreException;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's rules about client keys, kept in its {@link Store}: who may come in (protocol
 * §5.7) and which key owns which name (§5.6). The client key is the one owner token: the store
 * binds names to it and the room's members carry it.
 *
 * <p>Thread-safe (the store is). A store that fails is logged and answered as
 * {@link NameBinder.Verdict.Unavailable} or {@link Admission.Unavailable}: nobody is let in or
 * given a name on a guess.
 */
final class ClientKeys implements NameBinder {
  /** Whether a key that proved itself may go on to JOIN. */
  sealed interface Admission {
    /** It may. */
    record Admitted() implements Admission {}

    /** Allowlist mode, and the key with {@code fingerprint} is not on the list. */
    record NotAllowed(String fingerprint) implements Admission {}

    /** The store cannot be read now. */
    record Unavailable() implements Admission {}
  }

  private static final Logger log = LoggerFactory.getLogger(ClientKeys.class);

  private final Store store;
  private final ServerConfig.Access access;

  ClientKeys(Store store, ServerConfig.Access access) {
    this.store = store;
    this.access = access;
  }

  /** Protocol §2.5 step 4: in allowlist mode only allowed keys go on. */
  Admission admit(ByteString key) {
    if (access == ServerConfig.Access.OPEN) {
      return new Admission.Admitted();
    }
    try {
      return store.isAllowed(key.toByteArray())
          ? new Admission.Admitted()
          : new Admission.NotAllowed(Fingerprint.of(key));
    } catch (StoreException e) {
      log.warn("cannot check the allowlist: {}", e.getMessage());
      return new Admission.Unavailable();
    }
  }

  /**
   * The keys among {@code keys} that may no longer be here: none in open mode, in allowlist mode
   * those not on the list now.
   *
   * @throws StoreException if the store cannot be read
   */
  Set<ByteString> notAllowed(Set<ByteString> keys) throws StoreException {
    Set<ByteString> gone = new HashSet<>();
    if (access == ServerConfig.Access.OPEN || keys.isEmpty()) {
      return gone;
    }
    Set<KeyFingerprint> allowed = new HashSet<>();
    store.listAllowed().forEach(entry -> allowed.add(entry.fingerprint()));
    for (ByteString key : keys) {
      if (!allowed.contains(KeyFingerprint.of(key.toByteArray()))) {
        gone.add(key);
      }
    }
    return gone;
  }

  /**
   * The binding of {@code name} (valid), if a key owns it: where a DM to someone who is not
   * connected waits.
   *
   * @throws StoreException if the store cannot be read
   */
  Optional<NameBinding> binding(String name) throws StoreException {
    return store.binding(name);
  }

  /** A join-code exchange against this store, for the client at {@code peer}. */
  JoinCodeExchange exchange(SecureRandom random, String peer) {
    return new JoinCodeExchange(store, random, peer);
  }

  @Override
  public Verdict check(String name, ByteString key) {
    try {
      return switch (store.check(name, key.toByteArray())) {
        case NameCheck.BoundToOther o -> new Verdict.BoundToOther();
        case NameCheck.Yours y -> new Verdict.Yours();
        case NameCheck.Recorded r -> new Verdict.Recorded();
      };
    } catch (StoreException e) {
      log.warn("cannot look up a name binding: {}", e.getMessage());
      return new Verdict.Unavailable();
    }
  }

  @Override
  public Verdict bind(String name, ByteString key) {
    byte[] owner = key.toByteArray();
    try {
      return switch (store.bind(name, owner)) {
        case BindResult.Bound b -> new Verdict.Yours();
        case BindResult.AlreadyYours y -> new Verdict.Yours();
        case BindResult.BoundToOther o -> new Verdict.BoundToOther();
        // a key owns one name: joining under another free name moves the binding there
        case BindResult.KeyHasOtherName k -> switch (store.rename(owner, name)) {
          case RenameResult.Renamed r -> new Verdict.Yours();
          case RenameResult.BoundToOther o -> new Verdict.BoundToOther();
          case RenameResult.NotBound n -> bindReleased(name, owner);
        };
      };
    } catch (StoreException e) {
      log.warn("cannot bind a name: {}", e.getMessage());
      return new Verdict.Unavailable();
    }
  }

  /** The key's old name was released between bind and rename: bind once more, now as new. */
  private Verdict bindReleased(String name, byte[] owner) throws StoreException {
    return store.bind(name, owner) instanceof BindResult.Bound
        ? new Verdict.Yours() : new Verdict.BoundToOther();
  }
}
