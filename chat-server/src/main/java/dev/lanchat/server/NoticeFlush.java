package dev.lanchat.server;

import dev.lanchat.common.message.MemberChange;
import dev.lanchat.server.store.AppendResult;
import dev.lanchat.server.store.RoomLog;
import dev.lanchat.server.store.StoreException;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * When a room's waiting membership changes go out, and storing them when they do (protocol
 * §5.8): at most one flush per window ({@link NoticePacing#windowNanos}, which grows with the
 * room), the first change after a quiet window at once, later ones when a timer fires. The
 * room fans the records out; this class only keeps the changes, the window and the timer.
 *
 * <p>Not thread-safe: the room's lock guards it, and the timer's task must take that lock.
 */
final class NoticeFlush {
  private final String room;
  private final RoomLog history;
  private final NoticePacing pacing;
  private final IntSupplier members;
  private final PendingNotices pending = new PendingNotices();
  private long lastFlush;
  private boolean scheduled;

  /**
   * @param members how many members the room has now (its window grows with them); called
   *     under the room's lock
   */
  NoticeFlush(String room, RoomLog history, NoticePacing pacing, IntSupplier members) {
    this.room = room;
    this.history = history;
    this.pacing = pacing;
    this.members = members;
    this.lastFlush = pacing.nanoTime() - NoticePacing.LONGEST_WINDOW.toNanos();
  }

  /** Records that {@code member} entered. */
  void joined(Member member) {
    pending.joined(member);
  }

  /** Records that {@code member} left, for {@code reason}, with its parting {@code message}. */
  void left(Member member, String reason, String message) {
    pending.left(member, reason, message);
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Forgets every waiting change (the room closed). */
  void clear() {
    pending.clear();
  }

  /** True when every change goes out at once, on its own (a zero window). */
  boolean immediate() {
    return pacing.window().isZero();
  }

  /** True when the room was quiet for a window: a change may go out now. */
  boolean windowPassed() {
    return pacing.nanoTime() - lastFlush >= windowNanos();
  }

  /**
   * Stores every waiting change in one transaction, all at {@code time}, and returns their
   * records; on failure they are dropped (they have no ids, so no member misses one).
   */
  List<byte[]> store(long time) throws StoreException {
    List<MemberChange> changes = pending.changes();
    List<EventDraft> drafts = PendingNotices.drafts(room, time, changes);
    pending.clear(); // stored or lost: they have no ids, so no member misses one
    List<AppendResult.Appended> stored = history.appendAll(
        drafts.stream().map(EventDraft::draft).toList(),
        drafts.stream().map(EventDraft::encoder).toList());
    lastFlush = pacing.nanoTime();
    return PendingNotices.encode(room, time, changes, stored);
  }

  /**
   * Starts the timer that runs {@code flush} at the end of the current window, unless one is
   * running or nothing waits. {@code flush} must take the room's lock and call {@link #fired}.
   */
  void schedule(Runnable flush) {
    if (scheduled || pending.isEmpty()) {
      return;
    }
    scheduled = true;
    pacing.after(Math.max(0, lastFlush + windowNanos() - pacing.nanoTime()), flush);
  }

  private long windowNanos() {
    return pacing.windowNanos(members.getAsInt());
  }

  /** The timer ran: the next change after this window may start another. */
  void fired() {
    scheduled = false;
  }
}
