package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.e2e.E2eKey;
import dev.lanchat.common.message.E2eKeyEntry;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.server.store.E2eKeys;
import dev.lanchat.server.store.NameBinding;
import dev.lanchat.server.store.PublishResult;
import dev.lanchat.server.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end-to-end key directory (protocol "End-to-end layer"): E2E_KEY publishes a client's key
 * after the server checked that it is the client's own, signed, current and not older than the
 * one kept; E2E_KEYS_GET hands out the keys of a room's members or of one user. The server
 * only relays these public keys: each client checks them against the identities it pinned.
 *
 * <p>Thread-safe: it holds no state of its own; the store, lobby and rooms are thread-safe.
 */
final class E2eKeyRequests {
  private static final Logger log = LoggerFactory.getLogger(E2eKeyRequests.class);

  /** Bytes of an E2E_KEYS record before its entries: type, target's length, more, count. */
  private static final int RECORD_HEAD = 1 + 2 + 1 + 2;

  private final E2eKeys keys;
  private final Lobby lobby;
  private final Rooms rooms;
  private final DirectMessages.Bindings bindings;
  private final Consumer<Member> tooSlow;

  /**
   * @param keys the store's published keys
   * @param lobby who is connected
   * @param rooms the rooms with members
   * @param bindings whose a name is when nobody holds it now
   * @param tooSlow removes a member whose backlog an answer overflowed
   */
  E2eKeyRequests(E2eKeys keys, Lobby lobby, Rooms rooms, DirectMessages.Bindings bindings,
      Consumer<Member> tooSlow) {
    this.keys = keys;
    this.lobby = lobby;
    this.rooms = rooms;
    this.bindings = bindings;
    this.tooSlow = tooSlow;
  }

  /** E2E_KEY: keeps {@code key} as {@code m}'s newest, or ERROR E2E_KEY_INVALID; no answer. */
  Outcome publish(Member m, E2eKey key) {
    switch (key.check(m.key(), System.currentTimeMillis())) {
      case E2eKey.Check.WrongOwner w -> {
        return invalid("its owner is not the key you connected with; publish your own");
      }
      case E2eKey.Check.BadSignature b -> {
        return invalid("its signature does not verify");
      }
      case E2eKey.Check.Expired e -> {
        return invalid("its not_after has passed; publish a current key");
      }
      case E2eKey.Check.Valid v -> { }
    }
    try {
      return switch (keys.publish(key)) {
        case PublishResult.Stored s -> Outcome.DONE;
        case PublishResult.Unchanged u -> Outcome.DONE;
        case PublishResult.Older o -> invalid("its serial " + key.serial()
            + " is below serial " + o.held() + ", which you published already");
        case PublishResult.Conflict c -> invalid("you published other bytes under serial "
            + key.serial() + " already");
      };
    } catch (StoreException e) {
      log.warn("cannot keep an end-to-end key: {}", e.getMessage());
      return Outcome.STORE_FAILED;
    }
  }

  /**
   * E2E_KEYS_GET: a room's members' keys (paged E2E_KEYS, in roster order) when {@code target}
   * starts with {@code #}, else one user's key (0 or 1 entry).
   */
  Outcome get(Member m, String target) {
    try {
      return target.startsWith("#") ? ofRoom(m, target) : ofUser(target);
    } catch (StoreException e) {
      log.warn("cannot read end-to-end keys: {}", e.getMessage());
      return Outcome.STORE_FAILED;
    }
  }

  private Outcome ofRoom(Member m, String target) throws StoreException {
    if (!RoomNames.isValid(target)) {
      return RoomRequests.ROOM_INVALID;
    }
    Optional<Room> room = rooms.of(m, target);
    if (room.isEmpty()) {
      return Outcome.notInRoom(target);
    }
    List<dev.lanchat.common.message.Member> members = room.get().membersOnWire();
    Map<ByteString, E2eKey> found =
        keys.of(members.stream().map(dev.lanchat.common.message.Member::key).toList());
    List<E2eKeyEntry> entries = new ArrayList<>();
    for (dev.lanchat.common.message.Member member : members) {
      E2eKey key = found.get(member.key());
      if (key != null) {
        entries.add(new E2eKeyEntry(member.name(), key));
      }
    }
    for (ServerMessage.E2eKeys page : pages(target, entries)) {
      if (!m.offer(MessageCodec.encode(page))) {
        tooSlow.accept(m);
        break;
      }
    }
    return Outcome.DONE;
  }

  private Outcome ofUser(String target) throws StoreException {
    if (!Names.isValid(target)) {
      return Outcome.error(ErrorCode.NAME_INVALID, "that is neither a room nor a valid name");
    }
    Optional<Member> online = lobby.online(target);
    String name;
    ByteString owner;
    if (online.isPresent()) {
      name = online.get().name();
      owner = online.get().key();
    } else {
      Optional<NameBinding> bound = bindings.of(target);
      if (bound.isEmpty()) {
        return Outcome.error(ErrorCode.NO_SUCH_USER, "no such user: " + target);
      }
      name = bound.get().name();
      owner = ByteString.copyOf(bound.get().key());
    }
    List<E2eKeyEntry> entries =
        keys.of(owner).map(k -> List.of(new E2eKeyEntry(name, k))).orElse(List.of());
    return new Outcome.Reply(new ServerMessage.E2eKeys(target, false, entries));
  }

  /** {@code entries} over as many E2E_KEYS records as fit a record each; at least one. */
  static List<ServerMessage.E2eKeys> pages(String target, List<E2eKeyEntry> entries) {
    List<List<E2eKeyEntry>> pages = RecordPages.split(entries,
        RECORD_HEAD + PendingNotices.utf8(target),
        e -> 2 + PendingNotices.utf8(e.name()) + E2eKey.SIZE);
    List<ServerMessage.E2eKeys> records = new ArrayList<>(pages.size());
    for (int i = 0; i < pages.size(); i++) {
      records.add(new ServerMessage.E2eKeys(target, i < pages.size() - 1, pages.get(i)));
    }
    return records;
  }

  private static Outcome invalid(String why) {
    return Outcome.error(ErrorCode.E2E_KEY_INVALID, "that end-to-end key was refused: " + why);
  }
}
