package dev.lanchat.common.message;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.channel.SecureChannel;
import dev.lanchat.common.crypto.KeyLimitException;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Typed messages (protocol §4) over a {@link SecureChannel}: encodes what goes out, decodes
 * what comes in, one message per record or several in a {@link Batch} (protocol §5.13).
 *
 * <p>Thread-safe as the channel below is: one receiving thread, any number of senders. A record
 * that does not hold one valid message (or a valid BATCH) leaves the channel unusable, as a bad
 * record does.
 */
public final class MessageChannel {
  private final SecureChannel records;
  // the receiving thread's: the server's messages, a BATCH's one by one
  private final Batch.Receiver fromServer;

  public MessageChannel(SecureChannel records) {
    this.records = Objects.requireNonNull(records, "records");
    this.fromServer = new Batch.Receiver(records::receive);
  }

  /** The record layer below, for tests and benchmarks that work on plaintexts. */
  public SecureChannel records() {
    return records;
  }

  /**
   * Encodes, seals and sends one message.
   *
   * @throws KeyLimitException if the sending key is used up: close and reconnect
   * @throws IOException if the connection fails
   */
  public void send(Message message) throws IOException {
    records.send(List.of(MessageCodec.encode(message)));
  }

  /**
   * Seals each already-encoded message as its own record and writes them all with one write.
   *
   * @throws KeyLimitException if the sending key is used up: close and reconnect
   * @throws IOException if the connection fails
   */
  public void sendEncoded(List<byte[]> encoded) throws IOException {
    records.send(encoded);
  }

  /**
   * As {@link #sendEncoded}, but neighbours that fit together go in one BATCH record
   * ({@link Batch#pack}, at most {@link Batch#PACK_LIMIT} bytes): for a client that sent
   * BATCH_OK.
   *
   * @throws KeyLimitException if the sending key is used up: close and reconnect
   * @throws IOException if the connection fails
   */
  public void sendBatched(List<byte[]> encoded) throws IOException {
    records.send(Batch.pack(encoded, Batch.PACK_LIMIT));
  }

  /**
   * Reads the next record's plaintext without decoding it (when draining a closing connection).
   *
   * @throws IOException as {@link SecureChannel#receive} does
   */
  public byte[] receivePlaintext() throws IOException {
    return records.receive();
  }

  /**
   * Receives the next message from a client (server side).
   *
   * @throws ProtocolException if the record is bad or does not hold one client message
   * @throws IOException if the connection fails
   */
  public ClientMessage receiveFromClient() throws IOException {
    byte[] plaintext = records.receive();
    try {
      return MessageCodec.decodeClient(plaintext);
    } catch (ProtocolException e) {
      records.markBroken();
      throw e;
    }
  }

  /**
   * Receives the next message from the server (client side): the next of a BATCH, or the next
   * record's.
   *
   * @throws ProtocolException if the record is bad or holds neither one server message nor a
   *     valid BATCH
   * @throws IOException if the connection fails
   */
  public ServerMessage receiveFromServer() throws IOException {
    try {
      return fromServer.next();
    } catch (ProtocolException e) {
      records.markBroken(); // a bad record left it broken already; a bad message does now
      throw e;
    }
  }
}
