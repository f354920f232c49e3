package dev.lanchat.common.channel;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.crypto.KeyLimitException;
import dev.lanchat.common.frame.FrameBatch;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The record layer of one connection after the handshake (protocol §3): a frame reader and
 * writer plus one {@link CipherState} per direction. Plaintexts go in and out; records and
 * nonces stay inside. What the plaintexts mean is the message layer's business.
 *
 * <p>With {@link KeyUpdates} it also moves each direction to fresh keys (protocol "Key
 * update"): before a record that its policy says is due, it sends KEY_UPDATE under the old key
 * and seals everything after under the new one; a KEY_UPDATE from the peer switches the
 * receiving key, and is consumed here, never returned by {@link #receive}.
 *
 * <p>Thread-safe in the way a connection is used: one thread may receive while others send;
 * sends are serialised so records leave in {@code seq} order. A receive that fails leaves the
 * channel unusable (the connection is over).
 */
public final class SecureChannel {
  private final FrameReader reader;
  private final FrameWriter writer;
  private final Optional<KeyUpdates> updates;
  // guarded by sendLock
  private CipherState sender;
  // when the sending key came into use, by the policy's clock (ms)
  private long senderSince;
  // only the receiving thread touches these
  private CipherState receiver;
  private int updatesInARow;
  // a lock, not synchronized: on JDK 21-23 a virtual thread blocked in a socket write inside
  // synchronized pins its carrier, and a few slow clients would stall a whole server
  private final ReentrantLock sendLock = new ReentrantLock();
  private volatile boolean broken;

  /**
   * @param sender seals what this side sends ({@code k_c2s} on a client, {@code k_s2c} on a
   *     server)
   * @param receiver opens what the peer sends
   */
  public SecureChannel(FrameReader reader, FrameWriter writer, CipherState sender,
      CipherState receiver) {
    this(reader, writer, sender, receiver, Optional.empty());
  }

  /**
   * A channel that updates its keys by {@code updates}.
   *
   * @param sender seals what this side sends ({@code k_c2s} on a client, {@code k_s2c} on a
   *     server)
   * @param receiver opens what the peer sends
   */
  public SecureChannel(FrameReader reader, FrameWriter writer, CipherState sender,
      CipherState receiver, KeyUpdates updates) {
    this(reader, writer, sender, receiver, Optional.of(updates));
  }

  private SecureChannel(FrameReader reader, FrameWriter writer, CipherState sender,
      CipherState receiver, Optional<KeyUpdates> updates) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.receiver = Objects.requireNonNull(receiver, "receiver");
    this.updates = Objects.requireNonNull(updates, "updates");
    this.senderSince = updates.map(u -> u.policy().nowMillis()).orElse(0L);
  }

  /**
   * Seals each plaintext as its own record, in order, and writes them all with one write. A
   * server encodes a broadcast once and hands the same bytes to every member.
   *
   * @throws KeyLimitException if the sending key is used up: close and reconnect
   * @throws IOException if the connection fails
   */
  public void send(List<byte[]> plaintexts) throws IOException {
    long capacity = 0;
    for (byte[] plaintext : plaintexts) {
      capacity += FrameBatch.frameSize(CipherState.recordSize(plaintext));
    }
    sendLock.lock();
    try {
      // each record is sealed straight into the bytes of the one write (a key update, rare,
      // grows the batch)
      FrameBatch batch = new FrameBatch((int) Math.min(capacity, Integer.MAX_VALUE - 8));
      // one clock read per batch: the batch leaves in one write, so its records share a moment
      long now = updates.isPresent() ? updates.get().policy().nowMillis() : 0;
      for (byte[] plaintext : plaintexts) {
        if (updates.isPresent() && updates.get().policy().due(sender.seq(), senderSince, now)) {
          sealUpdate(batch, updates.get(), now);
        }
        seal(batch, plaintext);
      }
      writer.write(batch);
    } finally {
      sendLock.unlock();
    }
  }

  private void seal(FrameBatch batch, byte[] plaintext) throws KeyLimitException {
    CipherState current = sender;
    batch.add(CipherState.recordSize(plaintext),
        (dest, offset) -> current.seal(plaintext, dest, offset));
  }

  /**
   * Sends KEY_UPDATE now and moves the sending direction to its next key, whatever the policy
   * says (a side that wants fresh keys at once, and tests).
   *
   * @throws IllegalStateException if this channel was made without {@link KeyUpdates}
   * @throws KeyLimitException if the sending key is used up: close and reconnect
   * @throws IOException if the connection fails
   */
  public void updateSendingKey() throws IOException {
    KeyUpdates rules = updates.orElseThrow(
        () -> new IllegalStateException("this channel was made without key updates"));
    sendLock.lock();
    try {
      FrameBatch batch = new FrameBatch(0);
      sealUpdate(batch, rules, rules.policy().nowMillis());
      writer.write(batch);
    } finally {
      sendLock.unlock();
    }
  }

  /**
   * Seals KEY_UPDATE under the current key, then switches: nothing after it uses the old key,
   * and the new key's age counts from {@code now}.
   */
  private void sealUpdate(FrameBatch batch, KeyUpdates rules, long now)
      throws KeyLimitException {
    seal(batch, rules.sendPlaintext());
    sender = sender.next();
    senderSince = now;
  }

  /**
   * Reads and opens the next record and returns its plaintext.
   *
   * @throws java.io.EOFException if the peer closed the connection between frames
   * @throws ProtocolException if the frame or record is bad; the channel is then unusable
   * @throws IOException if the connection fails
   */
  public byte[] receive() throws IOException {
    if (broken) {
      throw new IllegalStateException("this channel failed before; the connection is over");
    }
    try {
      while (true) {
        byte[] plaintext = receiver.open(reader.readFrame());
        if (updates.isEmpty() || !updates.get().isPeerUpdate(plaintext)) {
          updatesInARow = 0;
          return plaintext;
        }
        if (++updatesInARow > KeyUpdates.MAX_IN_A_ROW) {
          throw new ProtocolException(Reason.UNEXPECTED_MESSAGE, "the peer sent more than "
              + KeyUpdates.MAX_IN_A_ROW + " KEY_UPDATE records in a row");
        }
        receiver = receiver.next();
      }
    } catch (IOException e) {
      broken = true;
      throw e;
    }
  }

  /**
   * Marks the channel unusable because a layer above found a record it cannot accept; every
   * later {@link #receive} throws {@link IllegalStateException}.
   */
  public void markBroken() {
    broken = true;
  }

  /** For tests: the sequence numbers of both directions. */
  long[] seqs() {
    sendLock.lock();
    try {
      return new long[] {sender.seq(), receiver.seq()};
    } finally {
      sendLock.unlock();
    }
  }
}
