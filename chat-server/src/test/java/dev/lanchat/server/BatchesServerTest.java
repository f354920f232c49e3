package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.Batch;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BATCH_OK and BATCH (protocol §5.13) at the server: only a client that asked gets batches, and
 * a batch carries what was queued in order, losing nothing.
 *
 * <p>To have messages queued for certain, the client writes many PINGs at once with a small
 * receive buffer and reads nothing until it has written them all: the server's writer blocks on
 * the full socket while its reader goes on queueing PONGs.
 */
class BatchesServerTest {
  /** More PONG records than the two kernel buffers hold, so some wait in the server's queue. */
  private static final int PINGS = 6_000;

  private ChatServer server;

  @BeforeEach
  void start() throws IOException {
    server = TestServers.start(TestServers.config().toBuilder()
        .backlog(PINGS * 2, 16L << 20).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void batchOkBeforeWelcomeGetsNotJoined() throws IOException {
    try (TestClient client = TestClient.connect(server.port())) {
      client.send(new ClientMessage.BatchOk());
      assertEquals(ErrorCode.NOT_JOINED.code(), client.await(ServerMessage.Error.class).code());
    }
  }

  @Test
  void aClientThatNeverSentBatchOkNeverGetsABatch() throws IOException {
    List<byte[]> records = pingBurst(false);

    assertEquals(PINGS, records.size());
    for (int i = 0; i < PINGS; i++) {
      assertFalse(Batch.isBatch(records.get(i)), "record " + i + " is a BATCH");
      assertEquals(new ServerMessage.Pong(i + 1), MessageCodec.decodeServer(records.get(i)));
    }
  }

  @Test
  void afterBatchOkWhatWasQueuedComesInBatchesInOrderAndNothingIsLost() throws IOException {
    List<byte[]> records = pingBurst(true);

    List<ServerMessage> pongs = new ArrayList<>();
    int batches = 0;
    for (byte[] record : records) {
      if (Batch.isBatch(record)) {
        batches++;
        assertTrue(record.length <= Batch.PACK_LIMIT, "a BATCH of " + record.length + " bytes");
        pongs.addAll(Batch.unpack(record));
      } else {
        pongs.add(MessageCodec.decodeServer(record));
      }
    }
    assertTrue(batches > 0, "no BATCH among " + records.size() + " records");
    assertEquals(PINGS, pongs.size());
    for (int i = 0; i < PINGS; i++) {
      assertEquals(new ServerMessage.Pong(i + 1), pongs.get(i), "PONG " + (i + 1));
    }
  }

  @Test
  void batchOkTwiceIsHarmlessAndTheSessionGoesOn() throws IOException {
    try (TestClient client = TestClient.login(server.port(), "alice")) {
      client.send(new ClientMessage.BatchOk());
      client.send(new ClientMessage.BatchOk());
      client.send(new ClientMessage.Ping(42));
      assertEquals(42, client.await(ServerMessage.Pong.class).token());
      assertTrue(client.log().stream().noneMatch(ServerMessage.Error.class::isInstance),
          "an ERROR: " + client.log());
    }
  }

  /**
   * Joins, sends BATCH_OK if {@code batchOk}, writes {@link #PINGS} PINGs (tokens 1, 2, …) in
   * one write, and only then reads: the plaintexts of the records that carry the PONGs.
   */
  private List<byte[]> pingBurst(boolean batchOk) throws IOException {
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
          10_000);
      socket.setSoTimeout((int) TestClient.WAIT.toMillis());
      MessageChannel channel = TestClient.handshake(new BufferedInputStream(socket.getInputStream()),
          socket.getOutputStream(), Identity.generate(new SecureRandom()));
      channel.send(new ClientMessage.Join("pinger"));
      assertInstanceOf(ServerMessage.Welcome.class, channel.receiveFromServer());
      List<byte[]> pings = new ArrayList<>(PINGS + 1);
      if (batchOk) {
        pings.add(MessageCodec.encode(new ClientMessage.BatchOk()));
      }
      for (int token = 1; token <= PINGS; token++) {
        pings.add(MessageCodec.encode(new ClientMessage.Ping(token)));
      }
      channel.sendEncoded(pings);
      List<byte[]> records = new ArrayList<>();
      int pongs = 0;
      while (pongs < PINGS) { // bounded: each record carries at least one PONG, or times out
        byte[] record = channel.records().receive();
        records.add(record);
        pongs += Batch.isBatch(record) ? Batch.unpack(record).size() : 1;
      }
      return records;
    }
  }
}
