package dev.lanchat.server.store;

import java.util.ArrayList;
import java.util.List;

/**
 * What the store's in-memory state must undo if the write transaction under way rolls back:
 * the views that keep state beside the tables ({@link SentMessages}, {@link RoomTips}) change it
 * inside a transaction and register here how to change it back, so memory never says what the
 * file does not. The {@link Store} ends each transaction here ({@link #committed} or {@link
 * #rolledBack}).
 *
 * <p>One per {@link Store}, used under its lock.
 */
final class RollbackLog {
  private final List<Runnable> undo = new ArrayList<>();

  /** Runs {@code step} if the transaction under way rolls back, before the steps added earlier. */
  void onRollback(Runnable step) {
    undo.add(step);
  }

  /** The transaction committed: what it changed in memory stands. */
  void committed() {
    undo.clear();
  }

  /** The transaction rolled back: what it changed in memory is undone, newest first. */
  void rolledBack() {
    for (int i = undo.size() - 1; i >= 0; i--) {
      undo.get(i).run();
    }
    undo.clear();
  }
}
