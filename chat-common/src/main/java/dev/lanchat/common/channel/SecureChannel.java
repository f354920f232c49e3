package dev.lanchat.common.channel;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.crypto.KeyLimitException;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The record layer of one connection after the handshake (protocol §3): a frame reader and
 * writer plus one {@link CipherState} per direction. Plaintexts go in and out; records and
 * nonces stay inside. What the plaintexts mean is the message layer's business.
 *
 * <p>Thread-safe in the way a connection is used: one thread may receive while others send;
 * sends are serialised so records leave in {@code seq} order. A receive that fails leaves the
 * channel unusable (the connection is over).
 */
public final class SecureChannel {
  private final FrameReader reader;
  private final FrameWriter writer;
  private final CipherState sender;
  private final CipherState receiver;
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
    this.reader = Objects.requireNonNull(reader, "reader");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.receiver = Objects.requireNonNull(receiver, "receiver");
  }

  /**
   * Seals each plaintext as its own record, in order, and writes them all with one write. A
   * server encodes a broadcast once and hands the same bytes to every member.
   *
   * @throws KeyLimitException if the sending key is used up: close and reconnect
   * @throws IOException if the connection fails
   */
  public void send(List<byte[]> plaintexts) throws IOException {
    sendLock.lock();
    try {
      List<byte[]> records = new ArrayList<>(plaintexts.size());
      for (byte[] plaintext : plaintexts) {
        records.add(sender.seal(plaintext));
      }
      writer.writeFrames(records);
    } finally {
      sendLock.unlock();
    }
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
      return receiver.open(reader.readFrame());
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
    return new long[] {sender.seq(), receiver.seq()};
  }
}
