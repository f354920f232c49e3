package dev.lanchat.common.message;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.channel.KeyUpdates;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * BATCH (protocol §5.13): several server messages in one record, {@code 0x37} followed by one or
 * more {@code length: u16 ‖ message}, so a client that has many messages queued for it costs one
 * seal and one open instead of one per message.
 *
 * <p>It is the message channel's business, not a {@link ServerMessage}: {@link #pack} runs over
 * what a writer has queued, {@link #unpack} gives back the messages a receiver handles one by one
 * as if each had come in its own record.
 */
public final class Batch {
  /** BATCH's type byte. */
  public static final int TYPE = 0x37;
  /** Most plaintext bytes our server packs into one BATCH (a receiver takes up to a record's). */
  public static final int PACK_LIMIT = 16_384;

  private Batch() {}

  /** True when {@code plaintext} is a BATCH (its type byte says so; nothing else is checked). */
  public static boolean isBatch(byte[] plaintext) {
    return plaintext.length > 0 && (plaintext[0] & 0xFF) == TYPE;
  }

  /**
   * The plaintexts to seal for {@code encoded} messages, in order: each run of two or more
   * neighbours that fits in {@code limit} bytes becomes one BATCH; a message that shares a
   * record with no neighbour is returned as it was (the same array).
   *
   * @param encoded server messages, each at most {@code limit - 3} bytes to be batched at all
   * @param limit most bytes of one BATCH, at most a record's plaintext (65,520)
   */
  public static List<byte[]> pack(List<byte[]> encoded, int limit) {
    if (limit < 3 || limit > 65_520) {
      throw new IllegalArgumentException("a BATCH limit is 3 to 65,520 bytes: " + limit);
    }
    if (encoded.size() < 2) {
      return encoded;
    }
    List<byte[]> plaintexts = new ArrayList<>();
    int from = 0;
    while (from < encoded.size()) {
      int size = 1;
      int to = from;
      while (to < encoded.size() && size + 2 + encoded.get(to).length <= limit) {
        size += 2 + encoded.get(to).length;
        to++;
      }
      if (to - from < 2) { // alone: too large to share, or its neighbour does not fit with it
        plaintexts.add(encoded.get(from));
        from++;
        continue;
      }
      byte[] batch = new byte[size];
      batch[0] = (byte) TYPE;
      int at = 1;
      for (int i = from; i < to; i++) {
        byte[] message = encoded.get(i);
        batch[at] = (byte) (message.length >>> 8);
        batch[at + 1] = (byte) message.length;
        System.arraycopy(message, 0, batch, at + 2, message.length);
        at += 2 + message.length;
      }
      plaintexts.add(batch);
      from = to;
    }
    return plaintexts;
  }

  /**
   * Where one server message lies: {@code length} bytes of {@code data} from {@code offset}, one
   * message of a BATCH or a record's whole plaintext. A view, not a copy: {@code data} must not
   * change while it is used.
   */
  public record Slice(byte[] data, int offset, int length) {
    public Slice {
      Objects.checkFromIndexSize(offset, length, data.length);
      if (length == 0) {
        throw new IllegalArgumentException("a message has at least its type byte");
      }
    }

    /** A record's whole plaintext: one message. */
    public static Slice of(byte[] plaintext) {
      return new Slice(plaintext, 0, plaintext.length);
    }

    /** The message's type byte. */
    public int type() {
      return data[offset] & 0xFF;
    }

    /**
     * The message, parsed strictly (protocol §4.1).
     *
     * @throws ProtocolException if the bytes are not exactly one server message
     */
    public ServerMessage decode() throws ProtocolException {
      return MessageCodec.decodeServer(data, offset, length);
    }
  }

  /**
   * Where the messages of a record's plaintext lie, in order, not parsed: a BATCH's as {@link
   * #split} finds them, or the plaintext itself as one message.
   *
   * @throws ProtocolException for an empty plaintext, or a BATCH that {@link #split} refuses
   */
  public static List<Slice> slices(byte[] plaintext) throws ProtocolException {
    if (plaintext.length == 0) {
      throw malformed("an empty record: no message");
    }
    return isBatch(plaintext) ? split(plaintext) : List.of(Slice.of(plaintext));
  }

  /**
   * Where each message of a BATCH lies, in order, not parsed: the batch's own layout is checked
   * whole (every length, and no type a batch never holds) before anything is returned.
   *
   * @throws IllegalArgumentException if {@code plaintext} is not a BATCH
   * @throws ProtocolException for an empty batch, a length of 0 or one that runs past the end,
   *     or a message of a type a batch never holds (SERVER_AUTH, KEY_UPDATE, BATCH)
   */
  public static List<Slice> split(byte[] plaintext) throws ProtocolException {
    if (!isBatch(plaintext)) {
      throw new IllegalArgumentException("not a BATCH");
    }
    List<Slice> slices = new ArrayList<>();
    int at = 1;
    while (at < plaintext.length) {
      if (plaintext.length - at < 2) {
        throw malformed("BATCH: the length at byte %d runs past the end", at);
      }
      int length = (plaintext[at] & 0xFF) << 8 | plaintext[at + 1] & 0xFF;
      at += 2;
      if (length == 0) {
        throw malformed("BATCH: an empty message at byte %d", at - 2);
      }
      if (length > plaintext.length - at) {
        throw malformed("BATCH: the message at byte %d runs past the end", at);
      }
      int type = plaintext[at] & 0xFF;
      if (type == TYPE || type == ServerMessage.ServerAuth.TYPE
          || type == KeyUpdates.SERVER_KEY_UPDATE) {
        throw malformed("BATCH: type 0x%02x is never inside a batch", type);
      }
      slices.add(new Slice(plaintext, at, length));
      at += length;
    }
    if (slices.isEmpty()) {
      throw malformed("BATCH: no message");
    }
    return slices;
  }

  /**
   * The messages of a BATCH, in order, each parsed strictly (protocol §4.1). The whole batch is
   * checked before anything is returned, so a bad one is used not at all.
   *
   * @throws ProtocolException for an empty batch, a length of 0 or one that runs past the end,
   *     a message that does not parse, or one of a type a batch never holds (SERVER_AUTH,
   *     KEY_UPDATE, BATCH)
   */
  public static List<ServerMessage> unpack(byte[] plaintext) throws ProtocolException {
    List<Slice> slices = split(plaintext);
    List<ServerMessage> messages = new ArrayList<>(slices.size());
    for (Slice slice : slices) {
      messages.add(slice.decode());
    }
    return messages;
  }

  /**
   * A receiver's side of batches: the server messages of a stream of plaintexts, one at a time,
   * the messages of a BATCH in order before the next plaintext is read. Not thread-safe: it
   * belongs to the receiving thread.
   */
  public static final class Receiver {
    /** Where the plaintexts come from: the record layer, or plaintext frames. */
    @FunctionalInterface
    public interface Plaintexts {
      /** The next plaintext. */
      byte[] next() throws IOException;
    }

    private final Plaintexts plaintexts;
    private final ArrayDeque<ServerMessage> rest = new ArrayDeque<>();

    public Receiver(Plaintexts plaintexts) {
      this.plaintexts = plaintexts;
    }

    /**
     * The next server message: what is left of the last BATCH, else the next plaintext's.
     *
     * @throws ProtocolException if the plaintext holds neither one server message nor a valid
     *     BATCH (none of it is handed out)
     * @throws IOException as the plaintexts' source does
     */
    public ServerMessage next() throws IOException {
      ServerMessage queued = rest.poll();
      if (queued != null) {
        return queued;
      }
      byte[] plaintext = plaintexts.next();
      if (!isBatch(plaintext)) {
        return MessageCodec.decodeServer(plaintext);
      }
      List<ServerMessage> batch = unpack(plaintext);
      rest.addAll(batch.subList(1, batch.size()));
      return batch.get(0);
    }
  }

  private static ProtocolException malformed(String format, Object... args) {
    return new ProtocolException(Reason.MALFORMED_MESSAGE, String.format(format, args));
  }
}
