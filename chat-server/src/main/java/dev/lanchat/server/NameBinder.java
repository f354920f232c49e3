package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;

/**
 * Where a {@link Room} asks whether a name belongs to a key across sessions (protocol §5.6):
 * the store in a running server, nothing in a room tested on its own. The room calls it under
 * its lock, so between {@link #check} and {@link #bind} no other join of this server runs.
 */
interface NameBinder {
  /** The answer about one name and one key. */
  sealed interface Verdict {
    /** The name is free or the key's own (for {@link #bind}: now bound to it). */
    record Yours() implements Verdict {}

    /**
     * From {@link #check} only: the name is the key's, and recorded as such so recently that
     * {@link #bind} would change nothing; a join need not call it.
     */
    record Recorded() implements Verdict {}

    /** Another key owns the name. */
    record BoundToOther() implements Verdict {}

    /** The store cannot be read or written now; nothing was decided. */
    record Unavailable() implements Verdict {}
  }

  /** A binder that remembers nothing: every name is anyone's. */
  NameBinder NONE = new NameBinder() {
    @Override
    public Verdict check(String name, ByteString key) {
      return new Verdict.Yours();
    }

    @Override
    public Verdict bind(String name, ByteString key) {
      return new Verdict.Yours();
    }
  };

  /** Whether {@code name} (valid) may be taken by {@code key}; changes nothing. */
  Verdict check(String name, ByteString key);

  /**
   * Binds {@code name} (valid) to {@code key}, moving the key's binding from any other name, and
   * records that the key was seen now.
   */
  Verdict bind(String name, ByteString key);
}
