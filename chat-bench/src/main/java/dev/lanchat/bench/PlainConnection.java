package dev.lanchat.bench;

import dev.lanchat.common.frame.ElasticInputStream;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.message.Batch;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.net.Socket;

/**
 * One yardstick connection: reads plaintext frames on its own (virtual) thread, as LanChat's
 * connection reads records, and writes through a {@link PlainOutbox}. The session is JOIN first
 * (answered with WELCOME), BATCH_OK, ENTER of the one room, then SAY, PING and BYE; anything else
 * is ignored. After BATCH_OK it packs what is queued together into BATCH frames, as LanChat packs
 * them into BATCH records, so both servers write the same framing.
 */
final class PlainConnection implements PlainRoom.Member {
  /** Most messages queued for one client: LanChat's load runs use the same backlog. */
  private static final int BACKLOG = 1_000_000;
  /** The kernel send buffer, as LanChat's server fixes it. */
  private static final int SEND_BUFFER = 64 << 10;

  private final Socket socket;
  private final PlainRoom room;
  private final long id;
  private PlainOutbox outbox;
  private String name;
  // only the reader thread touches it
  private boolean joined;
  // set by the reader, read by the writer before each batch
  private volatile boolean batches;

  PlainConnection(Socket socket, PlainRoom room, long id) {
    this.socket = socket;
    this.room = room;
    this.id = id;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean offer(byte[] encoded) {
    return outbox.offer(encoded);
  }

  @Override
  public void evict() {
    close();
  }

  /** Reads until the client leaves or the socket fails, then leaves the room. */
  void run() {
    try {
      socket.setTcpNoDelay(true);
      socket.setSendBufferSize(SEND_BUFFER);
      FrameReader reader = new FrameReader(new ElasticInputStream(socket.getInputStream()));
      FrameWriter writer = new FrameWriter(socket.getOutputStream());
      outbox = new PlainOutbox(
          payloads -> writer.writeFrames(batches ? Batch.pack(payloads, Batch.PACK_LIMIT) : payloads),
          BACKLOG, "plain-out-" + id);
      while (true) {
        ClientMessage m = MessageCodec.decodeClient(reader.readFrame());
        switch (m) {
          case ClientMessage.Join j when name == null -> {
            name = j.name();
            offer(MessageCodec.encode(PlainWire.welcome(name)));
          }
          case ClientMessage.BatchOk b when name != null -> batches = true;
          case ClientMessage.Enter e when name != null && !joined -> {
            joined = room.enter(this);
            if (!joined) {
              return;
            }
          }
          case ClientMessage.Say s when joined -> room.say(this, s.text());
          case ClientMessage.Ping p -> offer(MessageCodec.encode(new ServerMessage.Pong(p.token())));
          case ClientMessage.Bye b -> {
            return;
          }
          default -> { } // not part of the yardstick's session
        }
      }
    } catch (IOException | RuntimeException e) {
      // the client went away or sent something the codec refused: the connection ends
    } finally {
      if (joined) {
        room.leave(this);
      }
      if (outbox != null) {
        outbox.finish(this::close);
      } else {
        close();
      }
    }
  }

  /** Closes the socket; the reader and the writer end with it. */
  void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closed anyway
    }
  }
}
