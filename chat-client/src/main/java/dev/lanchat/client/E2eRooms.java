package dev.lanchat.client;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.e2e.Continuity;
import dev.lanchat.common.e2e.DmOutcome;
import dev.lanchat.common.e2e.DmSealer;
import dev.lanchat.common.e2e.E2eRoom;
import dev.lanchat.common.e2e.InstallOutcome;
import dev.lanchat.common.e2e.RoomMessage;
import dev.lanchat.common.e2e.RoomOutcome;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.E2eKeyEntry;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.ServerMessage;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Our end of every end-to-end room we are in (sender keys, docs/e2e.md): on ENTERED and when
 * someone joins it asks the server for the members' keys (E2E_KEYS_GET room), hands our chain
 * to each member as a sealed DM of kind 2 ({@link E2eRoom#setMembers}); when someone leaves it
 * marks the room so that a new chain is made before our next line (lazily). Our lines wait
 * while the keys are being handed out. Incoming messages are opened, or held (bounded) until
 * their sender's key comes, or explained in one line.
 *
 * <p>Threads: the reader follows events and opens messages; a worker thread of its own fetches
 * keys and hands out chains, so the reader never waits; the input thread seals our lines.
 * Room state is guarded by the context's lock; fetching and handing out by a send lock.
 */
final class E2eRooms implements AutoCloseable {
  /** What the rooms need from the layer around them. */
  interface Context {
    /** Guards all end-to-end state; held only while computing. */
    Object lock();

    Identity identity();

    ByteString self();

    SecureRandom random();

    DmSealer sealer();

    long now();

    /** Sends one message to the server. */
    void send(ClientMessage message);

    /** A fresh client message id. */
    long nextId();

    /** Shows a warning line. */
    void warn(String line);

    /** Shows a plain line (not a warning). */
    void notice(String line);

    /** The identity pinned for {@code name} ({@link PeerKeys#pinned}). */
    Optional<ByteString> pin(String name, ByteString offered);

    /** Asks the server for {@code target}'s keys and waits, bounded. */
    KeyRequests.Answer fetch(String target);

    /** Saves the DM counters (a sender key moved them). */
    void saveCounters();
  }

  /** Most member-list fetches before one line is sealed. */
  private static final int MAX_REFRESHES = 3;

  private final Context ctx;
  /** By room skeleton; guarded by the context's lock. */
  private final Map<String, RoomEnd> rooms = new HashMap<>();
  private final Object sendLock = new Object();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(
      Thread.ofPlatform().name("lanchat-e2e-keys").daemon(true).factory());
  private volatile Consumer<List<ServerMessage>> late = shown -> { };

  E2eRooms(Context ctx) {
    this.ctx = ctx;
  }

  /** Messages opened off the reader's thread (a key that waited for a member list) go here. */
  void attach(Consumer<List<ServerMessage>> late) {
    this.late = late;
  }

  /** True when {@code room} is one of our end-to-end rooms. */
  boolean isEndToEnd(String room) {
    synchronized (ctx.lock()) {
      return rooms.containsKey(JoinedRooms.skeleton(room));
    }
  }

  /** Follows what we are about to send: after our PART, the room's keys are dropped. */
  void sent(ClientMessage message) {
    if (message instanceof ClientMessage.Part part) {
      synchronized (ctx.lock()) {
        rooms.remove(JoinedRooms.skeleton(part.room()));
      }
    }
  }

  /** Follows the membership of our end-to-end rooms (reader thread). */
  void follow(ServerMessage message) {
    switch (message) {
      case ServerMessage.Entered entered -> entered(entered);
      case ServerMessage.Joined joined when !isSelf(joined.member().key()) ->
          changed(joined.event().room(), false);
      case ServerMessage.Left left when !isSelf(left.event().sender()) ->
          changed(left.event().room(), true);
      case ServerMessage.MembersChanged changed -> {
        boolean left = changed.changes().stream().anyMatch(c -> c instanceof MemberChange.Left
            && !isSelf(c.key()));
        boolean joined = changed.changes().stream().anyMatch(c -> c instanceof MemberChange.Joined
            && !isSelf(c.key()));
        if (left || joined) {
          changed(changed.room(), left);
        }
      }
      default -> { }
    }
  }

  private boolean isSelf(ByteString key) {
    return key.equals(ctx.self());
  }

  private void entered(ServerMessage.Entered m) {
    String key = JoinedRooms.skeleton(m.room());
    RoomEnd r;
    synchronized (ctx.lock()) {
      if (!m.endToEnd()) {
        rooms.remove(key);
        return;
      }
      r = rooms.get(key);
      if (r == null) {
        r = new RoomEnd(m.room(), new E2eRoom(m.room(), ctx.identity(), ctx.sealer(),
            ctx.random()));
        rooms.put(key, r);
      } else {
        r.renew = true; // back after a reconnect: the others forgot our chain
      }
      r.stale = true;
      r.changes++;
      r.toldBeforeJoined = false;
    }
    queueRefresh(r);
  }

  /** Someone joined or left: ask again before we send; hand our chain to newcomers now. */
  private void changed(String room, boolean someoneLeft) {
    RoomEnd r;
    synchronized (ctx.lock()) {
      r = rooms.get(JoinedRooms.skeleton(room));
      if (r == null) {
        return;
      }
      r.stale = true;
      r.changes++;
    }
    if (!someoneLeft) {
      queueRefresh(r);
    }
  }

  private void queueRefresh(RoomEnd r) {
    synchronized (ctx.lock()) {
      if (r.refreshQueued) {
        return;
      }
      r.refreshQueued = true;
    }
    try {
      worker.execute(() -> {
        synchronized (sendLock) {
          synchronized (ctx.lock()) {
            r.refreshQueued = false;
            if (rooms.get(JoinedRooms.skeleton(r.room)) != r) {
              return;
            }
          }
          refresh(r);
        }
      });
    } catch (RejectedExecutionException closed) {
      // the program is ending: nothing more is handed out
    }
  }

  /**
   * Fetches the members' keys, sets them (a new chain when someone left or we came back), and
   * sends our chain to those who need it; true when done. Called holding the send lock.
   */
  private boolean refresh(RoomEnd r) {
    long asked;
    synchronized (ctx.lock()) {
      asked = r.changes;
    }
    List<E2eKeyEntry> entries;
    switch (ctx.fetch(r.room)) {
      case KeyRequests.Answer.Keys keys -> entries = keys.entries();
      case KeyRequests.Answer.None none -> {
        ctx.warn("! the members' end-to-end keys of " + EventFormat.text(r.room) + " did not"
            + " come: " + none.why());
        return false;
      }
      case KeyRequests.Answer.Abandoned ended -> {
        return false; // the session is ending, and says so itself
      }
    }
    List<E2eRoom.Member> members = new ArrayList<>();
    Map<ByteString, String> names = new HashMap<>();
    for (E2eKeyEntry entry : entries) {
      ctx.pin(entry.name(), entry.key().owner()).ifPresent(pinned -> {
        members.add(new E2eRoom.Member(pinned, entry.key()));
        names.put(pinned, entry.name());
      });
    }
    E2eRoom.Membership membership;
    List<RoomEnd.EarlyKey> early;
    synchronized (ctx.lock()) {
      membership = r.end.setMembers(members, ctx.now(), r.renew);
      r.renew = false;
      r.stale = r.changes != asked; // someone came or went while we asked: ask again
      if (!membership.deliveries().isEmpty()) {
        ctx.saveCounters();
      }
      early = r.takeEarly();
    }
    membership.warnings().forEach(w -> ctx.warn(E2eWarnings.key(names.get(w.member()),
        w.check())));
    for (E2eRoom.Delivery delivery : membership.deliveries()) {
      ctx.send(new ClientMessage.SealedDm(ctx.nextId(), names.get(delivery.recipient()),
          delivery.dm()));
    }
    List<ServerMessage> opened = new ArrayList<>();
    for (RoomEnd.EarlyKey k : early) {
      boolean member;
      synchronized (ctx.lock()) {
        member = r.end.members().contains(k.opened().sender());
        if (!member) {
          // the answer was asked for before its sender entered: keep it for the refresh its
          // JOINED brings, rather than refuse a genuine key
          r.keepEarly(k);
        }
      }
      if (member) {
        opened.addAll(install(r, k.from(), k.opened(), false));
      }
    }
    if (!opened.isEmpty()) {
      late.accept(opened);
    }
    return true;
  }

  /**
   * Seals {@code text} for {@code room} (input thread), handing out our chain first when the
   * members changed; refused when the members' keys do not come.
   */
  Sealing say(String room, String text) {
    synchronized (sendLock) {
      RoomEnd r;
      boolean needsKeys;
      synchronized (ctx.lock()) {
        r = rooms.get(JoinedRooms.skeleton(room));
        needsKeys = r != null && (r.stale || r.end.epoch() == 0);
      }
      if (r == null) {
        return new Sealing.Refused("not sent: " + EventFormat.text(room)
            + " is not an end-to-end room of yours");
      }
      // a member list that changed while it was being fetched is fetched again (a few times at
      // most), so that a newcomer has our chain before the line it should read
      for (int attempt = 0; needsKeys && attempt < MAX_REFRESHES; attempt++) {
        if (!refresh(r)) {
          return new Sealing.Refused("not sent: the members' end-to-end keys of "
              + EventFormat.text(room) + " did not come; try again");
        }
        synchronized (ctx.lock()) {
          needsKeys = r.stale;
        }
      }
      RoomMessage sealed;
      synchronized (ctx.lock()) {
        sealed = r.end.seal(text.getBytes(StandardCharsets.UTF_8));
        r.sent(sealed.epoch(), sealed.counter(), text);
      }
      return new Sealing.Send(new ClientMessage.E2eSay(ctx.nextId(), r.room, sealed));
    }
  }

  /**
   * One E2E_MESSAGE (reader thread): the MESSAGE to show in its place, or the message itself
   * when it cannot be read (explained once, or held until its sender's key comes: then nothing
   * now). {@code history}: it is one of the events from before we entered.
   */
  List<ServerMessage> message(ServerMessage.E2eMessage m, boolean history) {
    RoomEnd r;
    synchronized (ctx.lock()) {
      r = rooms.get(JoinedRooms.skeleton(m.event().room()));
    }
    if (r == null) {
      return List.of(m);
    }
    ByteString sender = m.event().sender();
    if (isSelf(sender)) {
      Optional<String> own;
      synchronized (ctx.lock()) {
        own = r.echoed(m.message().epoch(), m.message().counter());
      }
      return own.<List<ServerMessage>>map(text -> List.of(chat(m, text)))
          .orElseGet(() -> beforeJoined(r, m));
    }
    Optional<ByteString> pinned = ctx.pin(m.from(), sender);
    if (pinned.isEmpty()) {
      return List.of(m);
    }
    if (!pinned.get().equals(sender)) {
      ctx.warn("! WARNING: a message said to be from " + EventFormat.text(m.from()) + " in "
          + EventFormat.text(r.room) + " came with another identity than the one pinned for "
          + EventFormat.text(m.from()) + "; not shown");
      return List.of(m);
    }
    return open(r, m, history, true);
  }

  private List<ServerMessage> open(RoomEnd r, ServerMessage.E2eMessage m, boolean history,
      boolean mayHold) {
    ByteString sender = m.event().sender();
    RoomOutcome outcome;
    synchronized (ctx.lock()) {
      outcome = r.end.open(sender, m.message());
      if (mayHold && !history && outcome instanceof RoomOutcome.Refused refused
          && (refused.reason() == RoomOutcome.Reason.NO_KEY
              || refused.reason() == RoomOutcome.Reason.NOT_A_MEMBER)) {
        if (r.hold(sender, m)) {
          return List.of(); // shown when the sender's key comes
        }
      }
    }
    return switch (outcome) {
      case RoomOutcome.Read read -> read(r, m, read);
      case RoomOutcome.Refused refused -> switch (refused.reason()) {
        case BEFORE_JOINED -> beforeJoined(r, m);
        case NO_KEY, NOT_A_MEMBER -> history ? beforeJoined(r, m) : unreadable(r, m, refused);
        default -> unreadable(r, m, refused);
      };
    };
  }

  private List<ServerMessage> read(RoomEnd r, ServerMessage.E2eMessage m,
      RoomOutcome.Read read) {
    try {
      if (read.continuity() instanceof Continuity.Skipped skipped) {
        ctx.warn(E2eWarnings.roomGap(r.room, m.from(), skipped.missing()));
      }
      Optional<String> text = E2eText.decode(read.text());
      if (text.isEmpty()) {
        ctx.warn("! a message from " + EventFormat.text(m.from()) + " in "
            + EventFormat.text(r.room) + " was not shown: its text breaks the text rules");
        return List.of(m);
      }
      return List.of(chat(m, text.get()));
    } finally {
      Bytes.wipe(read.text());
    }
  }

  private List<ServerMessage> unreadable(RoomEnd r, ServerMessage.E2eMessage m,
      RoomOutcome.Refused refused) {
    ctx.warn(E2eWarnings.room(r.room, m.from(), refused.reason()));
    return List.of(m);
  }

  private List<ServerMessage> beforeJoined(RoomEnd r, ServerMessage.E2eMessage m) {
    boolean tell;
    synchronized (ctx.lock()) {
      tell = !r.toldBeforeJoined;
      r.toldBeforeJoined = true;
    }
    if (tell) {
      ctx.notice(E2eWarnings.beforeJoined(r.room));
    }
    return List.of(m);
  }

  private static ServerMessage.Chat chat(ServerMessage.E2eMessage m, String text) {
    return new ServerMessage.Chat(m.event(), m.from(), text);
  }

  /**
   * A sender key that {@code from} sealed to us (reader thread): installed in its room, and the
   * messages held for it shown; the content is wiped.
   */
  List<ServerMessage> senderKey(String from, DmOutcome.Opened opened) {
    Optional<String> room = E2eRoom.roomOf(opened);
    RoomEnd r;
    synchronized (ctx.lock()) {
      r = room.map(name -> rooms.get(JoinedRooms.skeleton(name))).orElse(null);
    }
    if (r == null) {
      Bytes.wipe(opened.content());
      if (room.isEmpty()) {
        ctx.warn(E2eWarnings.install(from, InstallOutcome.Reason.MALFORMED));
      }
      return List.of(); // a key for a room we are not in (any more)
    }
    return install(r, from, opened, true);
  }

  private List<ServerMessage> install(RoomEnd r, String from, DmOutcome.Opened opened,
      boolean mayWait) {
    InstallOutcome outcome;
    List<ServerMessage.E2eMessage> released;
    synchronized (ctx.lock()) {
      if (mayWait && !r.end.members().contains(opened.sender())) {
        r.early(from, opened); // its sender is not in our member list yet: ask again
        r.stale = true;
        r.changes++;
        outcome = null;
        released = List.of();
      } else {
        outcome = r.end.install(opened);
        released = outcome instanceof InstallOutcome.Installed
            ? r.release(opened.sender()) : List.of();
      }
    }
    if (outcome == null) {
      queueRefresh(r);
      return List.of();
    }
    // a key that waited for its sender to be listed may find a newer one of the same sender
    // installed meanwhile (it came once the sender was listed): nothing was replayed, and nothing
    // is rewound either way
    boolean overtaken = !mayWait && outcome instanceof InstallOutcome.Refused stale
        && stale.reason() == InstallOutcome.Reason.STALE;
    if (outcome instanceof InstallOutcome.Refused refused && !overtaken) {
      ctx.warn(E2eWarnings.install(from, refused.reason()));
    }
    List<ServerMessage> shown = new ArrayList<>();
    released.forEach(m -> shown.addAll(open(r, m, false, false)));
    return shown;
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
