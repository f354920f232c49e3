package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.e2e.SealedDm;
import dev.lanchat.common.message.DmStatus;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import dev.lanchat.server.store.Claim;
import dev.lanchat.server.store.DmResult;
import dev.lanchat.server.store.NameBinding;
import dev.lanchat.server.store.OfflineDms;
import dev.lanchat.server.store.StoreException;
import dev.lanchat.server.store.WaitingDm;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DMs and sealed DMs (protocol "DM", "End-to-end layer"): to a connected member at once (status 0, or 2 with their away text), to
 * a bound name that is not connected kept in the store until its key comes back (status 1 to the
 * sender, 3 to the recipient), each sender's message id taken once so a DM sent again after a
 * lost connection is dropped.
 *
 * <p>Thread-safe: the lobby and the store are; a member's outbox takes offers from any thread.
 */
final class DirectMessages {
  /** Whose a name is across sessions: the store's binding. */
  @FunctionalInterface
  interface Bindings {
    /**
     * The binding of {@code name} (valid), if a key owns it.
     *
     * @throws StoreException if the store cannot be read
     */
    Optional<NameBinding> of(String name) throws StoreException;
  }

  private static final Logger log = LoggerFactory.getLogger(DirectMessages.class);

  private final Lobby lobby;
  private final OfflineDms offline;
  private final Bindings bindings;
  private final Consumer<Member> tooSlow;

  /**
   * @param lobby who is connected now
   * @param offline the store's waiting DMs and taken message ids
   * @param bindings whose a name is when nobody holds it now
   * @param tooSlow removes a member whose backlog a DM overflowed
   */
  DirectMessages(Lobby lobby, OfflineDms offline, Bindings bindings, Consumer<Member> tooSlow) {
    this.lobby = lobby;
    this.offline = offline;
    this.bindings = bindings;
    this.tooSlow = tooSlow;
  }

  /**
   * A DM's content as each of its copies shows it (the live DM, the echo, the kept one): the
   * plain text, or the sealed bytes the server cannot open.
   */
  @FunctionalInterface
  private interface Body {
    ServerMessage at(long time, Member from, String to, DmStatus status, String note);
  }

  /** Sends a DM with client message id {@code id} from {@code from} to the name {@code to}. */
  Outcome send(Member from, long id, String to, String text) {
    Optional<Outcome> problem = Outcome.textProblem(text);
    if (problem.isPresent()) {
      return problem.get();
    }
    return deliver(from, id, to, (time, f, t, status, note) ->
        new ServerMessage.Dm(time, f.name(), t, text, status, note));
  }

  /**
   * Sends a SEALED_DM with client message id {@code id} from {@code from} to the name {@code
   * to}, as a DM goes; only its sealed bytes (with names, sender key and time) are ever kept.
   */
  Outcome sendSealed(Member from, long id, String to, SealedDm sealed) {
    return deliver(from, id, to, (time, f, t, status, note) ->
        new ServerMessage.SealedDm(time, f.name(), f.key(), t, sealed, status, note));
  }

  private Outcome deliver(Member from, long id, String to, Body body) {
    Optional<Member> target = lobby.online(to);
    if (target.isPresent()) {
      return live(from, id, target.get(), body);
    }
    Optional<NameBinding> bound;
    try {
      bound = Names.isValid(to) ? bindings.of(to) : Optional.empty();
    } catch (StoreException e) {
      log.warn("cannot look up a name for a DM: {}", e.getMessage());
      return Outcome.STORE_FAILED;
    }
    if (bound.isEmpty()) {
      return Outcome.error(ErrorCode.NO_SUCH_USER, Names.isValid(to)
          ? "no such user: " + to : "no such user (that is not a valid name)");
    }
    return later(from, id, bound.get(), body);
  }

  private Outcome live(Member from, long id, Member target, Body body) {
    try {
      if (offline.claim(from.key(), id) instanceof Claim.Repeat) {
        return Outcome.DONE; // delivered the first time: drop it, say nothing
      }
    } catch (StoreException e) {
      log.warn("cannot record a DM as taken: {}", e.getMessage());
      return Outcome.STORE_FAILED;
    }
    long time = System.currentTimeMillis();
    byte[] encoded =
        MessageCodec.encode(body.at(time, from, target.name(), DmStatus.DELIVERED, ""));
    if (!target.offer(encoded)) {
      tooSlow.accept(target);
    }
    if (target != from) {
      String away = target.away();
      byte[] echo = away.isEmpty() ? encoded
          : MessageCodec.encode(body.at(time, from, target.name(), DmStatus.AWAY, away));
      if (!from.offer(echo)) {
        tooSlow.accept(from);
      }
    }
    return Outcome.DONE;
  }

  private Outcome later(Member from, long id, NameBinding to, Body body) {
    long time = System.currentTimeMillis();
    byte[] kept =
        MessageCodec.encode(body.at(time, from, to.name(), DmStatus.FROM_STORAGE, ""));
    DmResult result;
    try {
      result = offline.deliverLater(ByteString.copyOf(to.key()), from.key(), id, time, kept);
    } catch (StoreException e) {
      log.warn("cannot keep a DM: {}", e.getMessage());
      return Outcome.STORE_FAILED;
    }
    return switch (result) {
      case DmResult.Kept k ->
          new Outcome.Reply(body.at(time, from, to.name(), DmStatus.STORED, ""));
      case DmResult.Repeat r -> Outcome.DONE;
      case DmResult.Full f -> Outcome.error(ErrorCode.OFFLINE_FULL, to.name() + " has "
          + OfflineDms.MAX_PER_RECIPIENT + " DMs waiting already; this one was not kept");
      case DmResult.NotKept n -> Outcome.error(ErrorCode.OFFLINE_FULL, "this server keeps no "
          + "messages (--history 0), so a DM cannot wait for " + to.name() + " to come back");
    };
  }

  /**
   * Hands {@code member} the DMs that waited for its key (status 3, oldest first), taking them
   * out of the store. Called right after WELCOME.
   */
  void deliverWaiting(Member member) {
    List<WaitingDm> waiting;
    try {
      waiting = offline.take(member.key());
    } catch (StoreException e) {
      log.warn("cannot hand over waiting DMs: {}", e.getMessage());
      return; // they stay in the store for the next login
    }
    for (WaitingDm dm : waiting) {
      if (!member.offer(dm.encoded().toByteArray())) {
        tooSlow.accept(member);
        return;
      }
    }
  }
}
