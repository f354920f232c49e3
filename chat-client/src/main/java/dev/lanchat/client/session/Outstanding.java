package dev.lanchat.client.session;

import dev.lanchat.common.message.ClientMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the program sent and the server has not yet confirmed, across connections, in the order
 * it was sent. A SAY, DM or ME stays until a PING written after it is answered by its PONG (the
 * server answers PING only after it handled everything before it); then the server has it, and
 * a repeat would be dropped anyway (it carries the same client message id). Anything else stays
 * only until it is written. After a reconnect, {@link #toHandOver} gives everything still here
 * to the new session, in order.
 *
 * <p>Holds at most {@link #CAPACITY} messages: a server that never answers PING cannot make it
 * grow without end (the oldest written messages are then taken as delivered). Thread-safe.
 */
final class Outstanding {
  /** More unconfirmed messages than this and the oldest written ones are let go. */
  static final int CAPACITY = 4096;
  /** PING tokens remembered; an older PONG is answered by a newer one as well. */
  private static final int MAX_PINGS = 64;

  private static final class Entry {
    final long seq;
    final ClientMessage message;
    boolean handed;
    boolean written;

    Entry(long seq, ClientMessage message) {
      this.seq = seq;
      this.message = message;
    }
  }

  private final Deque<Entry> entries = new ArrayDeque<>();
  private final Map<Long, Long> pings = new LinkedHashMap<>();
  private long nextSeq = 1;
  private long lastWritten;

  /** True for the messages a server drops when repeated: those with a client message id. */
  static boolean resendable(ClientMessage message) {
    return message instanceof ClientMessage.Say || message instanceof ClientMessage.Dm
        || message instanceof ClientMessage.Me || message instanceof ClientMessage.SealedDm
        || message instanceof ClientMessage.E2eSay;
  }

  /** Notes {@code message} as sent by the program; {@code handed} when a session has it. */
  synchronized void add(ClientMessage message, boolean handed) {
    Entry entry = new Entry(nextSeq++, message);
    entry.handed = handed;
    entries.addLast(entry);
    if (entries.size() > CAPACITY) {
      dropOldestWritten();
    }
  }

  /**
   * The messages no session has yet, in order, now marked as handed over. After
   * {@link #newSession} that is everything here.
   */
  synchronized List<ClientMessage> toHandOver() {
    List<ClientMessage> out = new ArrayList<>();
    for (Entry e : entries) {
      if (!e.handed) {
        e.handed = true;
        out.add(e.message);
      }
    }
    return out;
  }

  /** A new session starts: nothing is handed to it or written on it yet. */
  synchronized void newSession() {
    for (Entry e : entries) {
      e.handed = false;
      e.written = false;
    }
    pings.clear();
  }

  /** The current session wrote {@code message} (the same object that was added). */
  synchronized void written(ClientMessage message) {
    if (message instanceof ClientMessage.Ping ping) {
      pings.put(ping.token(), lastWritten);
      if (pings.size() > MAX_PINGS) {
        Iterator<Long> oldest = pings.keySet().iterator();
        oldest.next();
        oldest.remove();
      }
      return;
    }
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (!e.written && e.message == message) {
        e.written = true;
        lastWritten = e.seq;
        if (!resendable(message)) {
          it.remove(); // written is all it gets: it is not sent twice
        }
        return;
      }
    }
  }

  /** The PONG for {@code token} came: everything written before that PING is confirmed. */
  synchronized void confirmed(long token) {
    Long upTo = pings.remove(token);
    if (upTo == null) {
      return;
    }
    // older PINGs are answered by this one as well
    pings.values().removeIf(seq -> seq <= upTo);
    entries.removeIf(e -> e.written && e.seq <= upTo);
  }

  /**
   * How many of the user's messages (SAY, DM, ME and their end-to-end forms) wait for the server. The program's own
   * messages (an ENTER, a signed room head) are not counted: the user did not write them.
   */
  synchronized int size() {
    return (int) entries.stream().filter(e -> resendable(e.message)).count();
  }

  /** True when a resendable message was written and no PONG confirmed it yet. */
  synchronized boolean awaitsConfirmation() {
    return entries.stream().anyMatch(e -> e.written);
  }

  private void dropOldestWritten() {
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      if (it.next().written) {
        it.remove();
        return;
      }
    }
  }
}
