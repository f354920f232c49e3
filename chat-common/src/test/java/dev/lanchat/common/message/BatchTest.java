package dev.lanchat.common.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.channel.SecureChannel;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.KeySchedule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The BATCH and BATCH_OK rules of protocol §5.13. */
class BatchTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final KeySchedule KEYS = KeySchedule.derive(filled(0x11, 32), filled(0x22, 32),
      filled(0x33, 104), filled(0x44, 40));

  private static byte[] filled(int value, int size) {
    byte[] out = new byte[size];
    Arrays.fill(out, (byte) value);
    return out;
  }

  private static byte[] pong(long token) {
    return MessageCodec.encode(new ServerMessage.Pong(token));
  }

  @Test
  void theBatchOfTwoPongsIsTheBytesThePageShows() throws ProtocolException {
    List<byte[]> packed = Batch.pack(List.of(pong(1), pong(2)), Batch.PACK_LIMIT);

    assertEquals(1, packed.size());
    assertEquals("3700092600000000000000010009260000000000000002", HEX.formatHex(packed.get(0)));
    assertEquals(List.of(new ServerMessage.Pong(1), new ServerMessage.Pong(2)),
        Batch.unpack(packed.get(0)));
  }

  @Test
  void batchOkIsTheOneByteThePageShows() throws ProtocolException {
    assertEquals("47", HEX.formatHex(MessageCodec.encode(new ClientMessage.BatchOk())));
    assertEquals(new ClientMessage.BatchOk(), MessageCodec.decodeClient(HEX.parseHex("47")));
    assertThrows(ProtocolException.class, () -> MessageCodec.decodeClient(HEX.parseHex("4700")));
  }

  @Test
  void aLoneMessageIsSentAsItWasNeverInABatchOfOne() {
    byte[] only = pong(7);
    assertSame(only, Batch.pack(List.of(only), Batch.PACK_LIMIT).get(0));

    // 11 bytes of BATCH hold one PONG (1 + 2 + 9) but not two: each goes alone, as it was
    List<byte[]> packed = Batch.pack(List.of(pong(1), pong(2)), 12);
    assertEquals(2, packed.size());
    assertArrayEquals(pong(1), packed.get(0));
    assertArrayEquals(pong(2), packed.get(1));
  }

  @Test
  void aMessageTooLargeToShareARecordGoesAloneBetweenBatches() throws ProtocolException {
    byte[] large = MessageCodec.encode(new ServerMessage.Error(1, "x".repeat(100)));
    List<byte[]> packed =
        Batch.pack(List.of(pong(1), pong(2), large, pong(3), pong(4)), 1 + 2 * 11);

    assertEquals(3, packed.size());
    assertEquals(List.of(new ServerMessage.Pong(1), new ServerMessage.Pong(2)),
        Batch.unpack(packed.get(0)));
    assertSame(large, packed.get(1));
    assertEquals(List.of(new ServerMessage.Pong(3), new ServerMessage.Pong(4)),
        Batch.unpack(packed.get(2)));
  }

  /** Any queue, any limit: every message comes back once, in order, and no BATCH is too big. */
  @Test
  void packingNeverLosesReordersOrOverfillsWhateverTheQueue() throws ProtocolException {
    long seed = new Random().nextLong();
    System.out.println("BatchTest seed " + seed);
    Random random = new Random(seed);
    for (int round = 0; round < 300; round++) {
      int limit = 3 + random.nextInt(2_000);
      List<ServerMessage> queued = new ArrayList<>();
      List<byte[]> encoded = new ArrayList<>();
      for (int i = random.nextInt(60); i > 0; i--) {
        ServerMessage m = random.nextBoolean() ? new ServerMessage.Pong(random.nextLong())
            : new ServerMessage.Error(random.nextInt(30), "e".repeat(random.nextInt(400)));
        queued.add(m);
        encoded.add(MessageCodec.encode(m));
      }
      List<ServerMessage> received = new ArrayList<>();
      for (byte[] plaintext : Batch.pack(encoded, limit)) {
        if (Batch.isBatch(plaintext)) {
          assertTrue(plaintext.length <= limit, "seed " + seed + ": a BATCH over its limit");
          List<ServerMessage> inside = Batch.unpack(plaintext);
          assertTrue(inside.size() >= 2, "seed " + seed + ": a BATCH of one");
          received.addAll(inside);
        } else {
          received.add(MessageCodec.decodeServer(plaintext));
        }
      }
      assertEquals(queued, received, "seed " + seed + ", round " + round);
    }
  }

  @Test
  void aBatchThatBreaksTheRulesIsMalformedAndNoneOfItIsUsed() {
    String pong = "0009260000000000000001";
    for (String bad : List.of(
        "37", // no message
        "37" + pong + "0000", // a length of 0
        "37" + pong + "000a260000000000000002", // runs past the end
        "37" + pong + "00", // half a length
        "37" + pong + "000a" + "370009260000000000000002", // BATCH in a BATCH
        "37" + pong + "00012c", // KEY_UPDATE in a BATCH
        "37" + pong + "0041" + "01" + "00".repeat(64), // SERVER_AUTH in a BATCH
        "37" + pong + "000a26000000000000000200", // a PONG with a byte left over
        "37" + pong + "000110")) { // a client's message (JOIN)
      ProtocolException e =
          assertThrows(ProtocolException.class, () -> Batch.unpack(HEX.parseHex(bad)), bad);
      assertEquals(Reason.MALFORMED_MESSAGE, e.reason(), bad);
    }
  }

  @Test
  void slicesShowWhereEachMessageOfARecordLiesAndRefuseWhatUnpackRefuses() throws Exception {
    byte[] batch = HEX.parseHex("3700092600000000000000010009260000000000000002");
    List<Batch.Slice> slices = Batch.slices(batch);
    assertEquals(List.of(3, 14), slices.stream().map(Batch.Slice::offset).toList());
    assertEquals(List.of(new ServerMessage.Pong(1), new ServerMessage.Pong(2)),
        List.of(slices.get(0).decode(), slices.get(1).decode()));
    byte[] alone = pong(3);
    assertEquals(List.of(new ServerMessage.Pong(3)),
        Batch.slices(alone).stream().map(BatchTest::decoded).toList());
    assertThrows(ProtocolException.class, () -> Batch.slices(new byte[0]));
    // the batch's own layout is checked whole; a message's fields wait for decode
    assertThrows(ProtocolException.class,
        () -> Batch.slices(HEX.parseHex("370009260000000000000001000a260000000000000002")));
    Batch.Slice leftOver = Batch.slices(HEX.parseHex("37000a26000000000000000200")).get(0);
    assertThrows(ProtocolException.class, leftOver::decode);
  }

  private static ServerMessage decoded(Batch.Slice slice) {
    try {
      return slice.decode();
    } catch (ProtocolException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aReceiverHandsOutABatchsMessagesOneByOneInOrder() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    server(new byte[0], wire).sendBatched(List.of(pong(1), pong(2), pong(3)));
    assertEquals(1, frames(wire.toByteArray()), "one record for the three");
    wire.write(sealedByServer(pong(4), 1));

    MessageChannel client = client(wire.toByteArray());
    for (long token = 1; token <= 4; token++) {
      assertEquals(new ServerMessage.Pong(token), client.receiveFromServer());
    }
  }

  @Test
  void aBadBatchEndsTheChannelBeforeAnyOfItsMessagesIsHandedOut() throws IOException {
    byte[] bad = HEX.parseHex("37" + "0009260000000000000001" + "0000");
    MessageChannel client = client(sealedByServer(bad, 0));

    assertThrows(ProtocolException.class, client::receiveFromServer);
    assertThrows(IllegalStateException.class, client::receiveFromServer);
  }

  private static MessageChannel server(byte[] incoming, ByteArrayOutputStream out) {
    return new MessageChannel(new SecureChannel(new FrameReader(new ByteArrayInputStream(incoming)),
        new FrameWriter(out), CipherState.of(KEYS.kS2c()), CipherState.of(KEYS.kC2s())));
  }

  private static MessageChannel client(byte[] incoming) {
    return new MessageChannel(new SecureChannel(new FrameReader(new ByteArrayInputStream(incoming)),
        new FrameWriter(new ByteArrayOutputStream()), CipherState.of(KEYS.kC2s()),
        CipherState.of(KEYS.kS2c())));
  }

  /** The frame of {@code plaintext} as the server's record number {@code seq}. */
  private static byte[] sealedByServer(byte[] plaintext, int seq) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MessageChannel s = server(new byte[0], out);
    for (int i = 0; i < seq; i++) {
      s.sendEncoded(List.of(pong(0)));
    }
    out.reset();
    s.sendEncoded(List.of(plaintext));
    return out.toByteArray();
  }

  private static int frames(byte[] wire) throws IOException {
    FrameReader reader = new FrameReader(new ByteArrayInputStream(wire));
    int count = 0;
    while (true) {
      try {
        reader.readFrame();
        count++;
      } catch (java.io.EOFException end) {
        return count;
      }
    }
  }
}
